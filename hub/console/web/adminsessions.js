// Open sessions (administrator: everyone's): who, since when, until when,
// from where and with what; end any of them.
import { api } from './api.js';
import { h } from './core/dom.js';
import { t, formatTime } from './i18n.js';
import { Status, dialog, same } from './ui.js';

const HEAD = ['sess.user', 'sess.created', 'sess.expires', 'sess.ip', 'sess.agent', 'acct.actions'];

// browser names a user agent briefly (the whole string is in the tooltip).
function browser(agent) {
  const m = /(Edg|OPR|Firefox|Chrome|Chromium|Safari)\/([\d]+)/.exec(agent || '');
  if (m) return `${m[1] === 'Edg' ? 'Edge' : m[1] === 'OPR' ? 'Opera' : m[1]} ${m[2]}`;
  return agent ? agent.slice(0, 40) : '—';
}

export class SessionsPanel {
  constructor(root) {
    this.list = [];
    this.status = new Status('sessions-message');
    this.status.loading();
    this.userIn = h('input', { id: 'sessions-user', type: 'search', autocomplete: 'off', 'data-testid': 'sessions-user', oninput: () => this.render() });
    this.table = h('div', { class: 'table-wrap', 'data-testid': 'sessions-table' });
    root.replaceChildren(h('div', { class: 'toolbar' }, h('h2', {}, t('sess.title'))), this.status.el,
      h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: 'sessions-user' }, t('sess.filter')), this.userIn)),
      this.table);
  }

  async refresh() {
    this.list = await api.get('/api/v1/sessions?user=*');
    if (this.status.el.dataset.kind === 'loading') this.status.clear();
    this.render();
  }

  fail(e) { this.status.fail(e); }

  render() {
    const q = this.userIn.value.trim().toLowerCase();
    const list = this.list.filter((s) => !q || s.username.toLowerCase().includes(q))
      .sort((a, b) => a.username.localeCompare(b.username) || Date.parse(b.created) - Date.parse(a.created));
    if (same(this, list)) return;
    if (!list.length) { this.table.replaceChildren(h('p', { class: 'empty' }, t('sess.none'))); return; }
    this.table.replaceChildren(h('table', { class: 'data' },
      h('thead', {}, h('tr', {}, HEAD.map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, list.map((s) => h('tr', { 'data-testid': `session-${s.id}`, 'data-user': s.username },
        h('th', { scope: 'row' }, s.username, s.current ? h('span', { class: 'badge on' }, t('sess.current')) : null),
        h('td', { class: 'nowrap' }, formatTime(s.created, true)), h('td', { class: 'nowrap' }, formatTime(s.expires, true)),
        h('td', {}, s.ip || '—'), h('td', { title: s.agent || '' }, browser(s.agent)),
        h('td', { class: 'row-actions' }, h('button', { type: 'button', class: 'small danger', 'aria-label': t('sess.revokeLabel', s.username, s.ip || ''),
          'data-testid': `session-revoke-${s.id}`, onclick: () => this.revoke(s) }, t('sess.revoke'))))))));
  }

  async revoke(s) {
    const body = s.current ? t('sess.revokeSelf') : t('sess.revokeBody', s.username, s.ip || '—');
    if (!await dialog({ title: t('sess.revokeTitle'), body, ok: t('sess.revoke'), danger: true })) return;
    try {
      await api.del(`/api/v1/sessions/${encodeURIComponent(s.id)}`);
    } catch (err) {
      this.status.fail(err);
      return;
    }
    this.status.ok(t('sess.revoked', s.username));
    this.shown = null;
    await this.refresh().catch((x) => this.fail(x));
  }
}
