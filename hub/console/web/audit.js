// The audit log (administrator): whether the hash chain is intact or has
// been altered, the newest records matching a user, an action, an object
// and a start time, and the whole log as JSON lines to keep or hand over.
import { api } from './api.js';
import { h } from './core/dom.js';
import { t, formatTime } from './i18n.js';
import { Status, same } from './ui.js';

// Actions the hub records, and how the console names them.
export const ACTION = {
  'auth.login': 'act.login', 'auth.login_failed': 'act.loginFailed', 'auth.logout': 'act.logout',
  'auth.password': 'act.password', 'auth.password_failed': 'act.passwordFailed', 'auth.revoke_session': 'act.revokeSession',
  'access.denied': 'act.denied', 'users.create': 'act.userCreate', 'users.update': 'act.userUpdate', 'users.lock': 'act.userLock',
  'users.unlock': 'act.userUnlock', 'users.retire': 'act.userRetire', 'users.password': 'act.userPassword',
  'units.put': 'act.unitPut', 'units.delete': 'act.unitDelete',
  'vehicles.credential_issue': 'act.credIssue', 'vehicles.credential_revoke': 'act.credRevoke',
  'instruction.send': 'act.insSend', 'instruction.read': 'act.insRead', 'instruction.acknowledged': 'act.insAck',
  'archive.play': 'act.archPlay', 'archive.export': 'act.archExport', 'archive.hold': 'act.archHold', 'archive.unhold': 'act.archUnhold',
  'audit.export': 'act.auditExport',
  'report.create': 'act.repCreate', 'report.approve': 'act.repApprove', 'report.reject': 'act.repReject', 'report.reply': 'act.repReply',
  'report.done': 'act.repDone',
};

const HEAD = ['aud.seq', 'aud.time', 'aud.user', 'aud.unit', 'aud.action', 'aud.object', 'aud.detail', 'aud.from', 'aud.hash'];
const SLOW = 10000; // the log is re-read this often while the page is open

// fromLocal reads a datetime-local value as Vietnam time.
const fromLocal = (v) => (v ? new Date(Date.parse(`${v}:00+07:00`)).toISOString() : '');
const toLocal = (iso) => (iso ? new Date(Date.parse(iso) + 7 * 3600 * 1000).toISOString().slice(0, 16) : '');

export class AuditView {
  constructor(root, params) {
    this.root = root;
    this.last = 0;
    const input = (id, name, extra = {}) => h('input', { id, name, value: params.get(name) || '', autocomplete: 'off', 'data-testid': id, ...extra });
    this.user = input('aud-user', 'user');
    this.action = input('aud-action', 'action', { list: 'aud-actions', placeholder: 'auth.login' });
    this.object = input('aud-object', 'object');
    this.from = h('input', { id: 'aud-from', type: 'datetime-local', value: toLocal(params.get('from')), 'data-testid': 'aud-from' });
    this.chain = h('div', { class: 'chain', role: 'status', 'data-testid': 'aud-chain' }, t('common.loading'));
    this.status = new Status('aud-status');
    this.status.loading();
    this.count = h('p', { class: 'muted small', 'data-testid': 'aud-count' });
    this.table = h('div', { class: 'table-wrap', 'data-testid': 'aud-table' });
    const form = h('form', { class: 'filters', 'data-testid': 'aud-filters', onsubmit: (e) => { e.preventDefault(); this.search(); } },
      h('div', { class: 'field' }, h('label', { for: 'aud-user' }, t('aud.user')), this.user),
      h('div', { class: 'field' }, h('label', { for: 'aud-action' }, t('aud.action')), this.action),
      h('div', { class: 'field' }, h('label', { for: 'aud-object' }, t('aud.object')), this.object),
      h('div', { class: 'field' }, h('label', { for: 'aud-from' }, t('aud.fromTime')), this.from),
      h('datalist', { id: 'aud-actions' }, Object.entries(ACTION).map(([a, k]) => h('option', { value: a }, t(k)))),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'primary', 'data-testid': 'aud-search' }, t('aud.search')),
        h('button', { type: 'button', 'data-testid': 'aud-clear', onclick: () => { form.reset(); for (const f of [this.user, this.action, this.object, this.from]) f.value = ''; this.search(); } }, t('aud.clear'))));
    const day = new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
    root.replaceChildren(h('section', { class: 'page audit' },
      h('div', { class: 'toolbar' }, h('h1', {}, t('aud.title')),
        h('a', { class: 'button', href: '/api/v1/audit/export', download: `audit-${day}.jsonl`, 'data-testid': 'aud-export' }, t('aud.export'))),
      this.chain, form, h('p', { class: 'muted small' }, t('arch.zone')), this.status.el, this.count, this.table));
  }

  query() {
    const q = new URLSearchParams();
    for (const [k, v] of [['user', this.user.value.trim()], ['action', this.action.value.trim()], ['object', this.object.value.trim()], ['from', fromLocal(this.from.value)]]) {
      if (v) q.set(k, v);
    }
    return q.toString();
  }

  search() {
    const q = this.query();
    history.replaceState(null, '', `#/audit${q ? `?${q}` : ''}`);
    this.last = 0;
    this.status.loading();
    this.refresh().catch((e) => this.fail(e));
  }

  // refresh is called every 2 s by the console; the log is re-read every 10 s.
  async refresh() {
    if (Date.now() - this.last < SLOW) return;
    this.last = Date.now();
    const q = this.query();
    const res = await api.get(`/api/v1/audit${q ? `?${q}` : ''}`);
    if (q !== this.query()) return; // the filters changed meanwhile
    this.status.clear();
    this.showChain(res.chain_ok);
    this.show(res.records || []);
  }

  fail(e) {
    this.last = 0;
    this.status.fail(e);
  }

  showChain(ok) {
    this.chain.className = `chain ${ok ? 'ok' : 'altered'}`;
    this.chain.dataset.ok = String(!!ok);
    this.chain.replaceChildren(h('strong', {}, ok ? t('aud.intact') : t('aud.altered')), h('span', {}, ok ? t('aud.intactHelp') : t('aud.alteredHelp')));
    if (!ok) this.chain.setAttribute('role', 'alert');
  }

  show(records) {
    if (same(this, records)) return;
    this.count.textContent = t('aud.count', records.length);
    if (!records.length) { this.table.replaceChildren(h('p', { class: 'empty', 'data-testid': 'aud-empty' }, t('aud.none'))); return; }
    this.table.replaceChildren(h('table', { class: 'data' },
      h('thead', {}, h('tr', {}, HEAD.map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, records.map((r) => h('tr', { 'data-testid': `aud-row-${r.seq}`, 'data-action': r.action, 'data-user': r.user, class: r.action === 'access.denied' || r.action.endsWith('_failed') ? 'warn' : '' },
        h('td', { class: 'num' }, r.seq), h('td', { class: 'nowrap' }, formatTime(r.time, true)), h('td', {}, r.user || '—'), h('td', {}, r.unit || '—'),
        h('td', {}, ACTION[r.action] ? [t(ACTION[r.action]), h('div', { class: 'muted small' }, r.action)] : r.action),
        h('td', { class: 'wrap' }, r.object), h('td', { class: 'wrap' }, r.detail), h('td', {}, r.from),
        h('td', { class: 'mono', title: r.hash }, (r.hash || '').slice(0, 12)))))));
  }

  update() {}
  destroy() {}
}
