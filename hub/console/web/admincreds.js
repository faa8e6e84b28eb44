// Vehicle credentials (administrator): issue a vehicle a new device token,
// shown once to be copied into the vehicle's configuration, or revoke every
// token it has (the vehicle drops off until it gets a new one).
import { api } from './api.js';
import { h } from './core/dom.js';
import { t } from './i18n.js';
import { Status, copyText, dialog, same, unitName } from './ui.js';

const HEAD = ['cred.vehicle', 'acct.unit', 'cred.state', 'acct.actions'];

export class CredentialsPanel {
  constructor(root) {
    this.vehicles = [];
    this.units = [];
    this.status = new Status('creds-message');
    this.status.loading();
    this.table = h('div', { class: 'table-wrap', 'data-testid': 'creds-table' });
    this.tokenBox = h('div', { class: 'panel token', hidden: true, role: 'region', 'aria-label': t('cred.tokenTitle'), 'data-testid': 'cred-token' });
    root.replaceChildren(h('div', { class: 'toolbar' }, h('h2', {}, t('cred.title'))),
      h('p', { class: 'muted' }, t('cred.help')), this.status.el, this.tokenBox, this.table);
  }

  async refresh() {
    const [vehicles, units] = await Promise.all([api.vehicles(), api.get('/api/v1/units')]);
    this.vehicles = vehicles;
    this.units = units;
    if (this.status.el.dataset.kind === 'loading') this.status.clear();
    const list = vehicles.map((v) => ({ id: v.id, name: v.name, unit: v.unit, online: v.online })).sort((a, b) => a.id.localeCompare(b.id));
    if (same(this, [list, units])) return;
    if (!list.length) { this.table.replaceChildren(h('p', { class: 'empty' }, t('v.none'))); return; }
    this.table.replaceChildren(h('table', { class: 'data' },
      h('thead', {}, h('tr', {}, HEAD.map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, list.map((v) => h('tr', { 'data-testid': `cred-${v.id}` },
        h('th', { scope: 'row' }, v.name, h('div', { class: 'muted small' }, v.id)),
        h('td', {}, unitName(units, v.unit)),
        h('td', {}, h('span', { class: `badge ${v.online ? 'on' : 'off'}` }, v.online ? t('v.online') : t('v.offline'))),
        h('td', { class: 'row-actions' },
          h('button', { type: 'button', class: 'small', 'aria-label': t('cred.issueLabel', v.name), 'data-testid': `cred-issue-${v.id}`, onclick: () => this.issue(v) }, t('cred.issue')),
          h('button', { type: 'button', class: 'small danger', 'aria-label': t('cred.revokeLabel', v.name), 'data-testid': `cred-revoke-${v.id}`, onclick: () => this.revoke(v) }, t('cred.revoke'))))))));
  }

  fail(e) { this.status.fail(e); }

  async issue(v) {
    if (!await dialog({ title: t('cred.issueTitle', v.name), body: t('cred.issueBody'), ok: t('cred.issue') })) return;
    let res;
    try {
      res = await api.post(`/api/v1/vehicles/${encodeURIComponent(v.id)}/credentials`);
    } catch (err) {
      this.status.fail(err);
      return;
    }
    this.status.clear();
    this.showToken(v, res.token);
  }

  // showToken shows a new token once, with a copy button and a warning.
  showToken(v, token) {
    const field = h('input', { id: 'cred-token-value', readonly: true, value: token, spellcheck: false, class: 'mono', 'data-testid': 'cred-token-value', onfocus: () => field.select() });
    const copied = h('span', { class: 'muted small', role: 'status', 'data-testid': 'cred-copied' });
    this.tokenBox.replaceChildren(
      h('h3', {}, t('cred.tokenTitle'), ': ', v.name),
      h('p', { class: 'warning', 'data-testid': 'cred-warning' }, t('cred.tokenWarning')),
      h('label', { for: 'cred-token-value' }, t('cred.token')),
      h('div', { class: 'inline' }, field,
        h('button', { type: 'button', class: 'primary', 'data-testid': 'cred-copy', onclick: async () => {
          copied.textContent = await copyText(token, field) ? t('cred.copied') : t('cred.copyFailed');
        } }, t('cred.copy'))),
      copied,
      h('div', { class: 'form-actions' }, h('button', { type: 'button', 'data-testid': 'cred-close', onclick: () => { this.tokenBox.hidden = true; this.tokenBox.replaceChildren(); } }, t('cred.close'))));
    this.tokenBox.hidden = false;
    field.focus();
  }

  async revoke(v) {
    if (!await dialog({ title: t('cred.revokeTitle', v.name), body: t('cred.revokeBody'), ok: t('cred.revoke'), danger: true })) return;
    let res;
    try {
      res = await api.del(`/api/v1/vehicles/${encodeURIComponent(v.id)}/credentials`);
    } catch (err) {
      this.status.fail(err);
      return;
    }
    this.status.ok(t('cred.revoked', v.name, res.revoked ?? 0));
    this.shown = null;
    await this.refresh().catch((x) => this.fail(x));
  }
}
