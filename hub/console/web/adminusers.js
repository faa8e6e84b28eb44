// Accounts (administrator): who there is, in which unit, with which
// roles and in which state; create one with an initial password (to be
// changed at the first login, within 30 days), change its name, unit or
// roles, lock, unlock, reset its password, retire it.
import { api } from './api.js';
import { h } from './core/dom.js';
import { t, formatTime } from './i18n.js';
import { ROLE, Status, dialog, same, unitName, unitOptions } from './ui.js';

const NAME_RE = /^[a-z0-9][a-z0-9._-]{1,63}$/;
const HEAD = ['acct.username', 'acct.name', 'acct.unit', 'acct.roles', 'acct.state', 'acct.lastLogin', 'acct.actions'];

// Lock reasons the hub sets by itself, and how the console names them.
export const LOCK = { initial_password_expired: 'lock.initialExpired' };

// newPassword makes a strong initial password to hand over (no look-alike characters).
export function newPassword() {
  const chars = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  const s = [...b].map((x) => chars[x % chars.length]).join('');
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}-${s.slice(12)}`;
}

// state is an account's state: what to show and a word for tests and styles.
function state(u) {
  if (u.retired) return ['retired', t('acct.retired')];
  if (u.locked) return ['locked', t('acct.locked', u.lock_reason ? (LOCK[u.lock_reason] ? t(LOCK[u.lock_reason]) : u.lock_reason) : t('acct.noReason'))];
  if (u.must_change) return ['must_change', t('acct.mustChange')];
  return ['active', t('acct.active')];
}

export class UsersPanel {
  constructor(root, { me }) {
    this.me = me;
    this.users = [];
    this.units = [];
    this.editing = null;
    this.status = new Status('users-message');
    this.status.loading();
    this.filterIn = h('input', { id: 'users-filter', type: 'search', autocomplete: 'off', 'data-testid': 'users-filter', oninput: () => this.render() });
    this.retiredIn = h('input', { id: 'users-retired', type: 'checkbox', 'data-testid': 'users-retired', onchange: () => this.render() });
    this.table = h('div', { class: 'table-wrap', 'data-testid': 'users-table' });
    this.form = this.editor();
    this.addBtn = h('button', { type: 'button', class: 'primary', 'data-testid': 'user-add', onclick: () => this.open(null) }, t('acct.add'));
    root.replaceChildren(
      h('div', { class: 'toolbar' }, h('h2', {}, t('acct.title')), this.addBtn),
      this.status.el, this.form,
      h('div', { class: 'filters' },
        h('div', { class: 'field' }, h('label', { for: 'users-filter' }, t('acct.filter')), this.filterIn),
        h('div', { class: 'check' }, this.retiredIn, h('label', { for: 'users-retired' }, t('acct.showRetired')))),
      this.table);
  }

  editor() {
    this.userIn = h('input', { id: 'user-username', required: true, autocomplete: 'off', spellcheck: false, 'aria-describedby': 'user-username-help', 'data-testid': 'user-username' });
    this.nameIn = h('input', { id: 'user-name', required: true, autocomplete: 'off', 'data-testid': 'user-name' });
    this.unitSel = h('select', { id: 'user-unit', required: true, 'data-testid': 'user-unit' });
    this.roleIns = Object.fromEntries(Object.keys(ROLE).map((r) => [r, h('input', { type: 'checkbox', id: `user-role-${r}`, value: r, 'data-testid': `user-role-${r}` })]));
    this.pwIn = h('input', { id: 'user-password', autocomplete: 'off', spellcheck: false, 'aria-describedby': 'user-password-help', 'data-testid': 'user-password' });
    this.pwBox = h('div', { class: 'field' },
      h('label', { for: 'user-password' }, t('acct.initialPassword')),
      h('div', { class: 'inline' }, this.pwIn, h('button', { type: 'button', 'data-testid': 'user-generate', onclick: () => { this.pwIn.value = newPassword(); this.pwIn.focus(); this.pwIn.select(); } }, t('acct.generate'))),
      h('p', { id: 'user-password-help', class: 'muted small' }, t('acct.passwordHelp')));
    this.formTitle = h('h2', {});
    return h('form', { class: 'panel editor', hidden: true, novalidate: true, 'data-testid': 'user-form', onsubmit: (e) => this.save(e) },
      this.formTitle,
      h('div', { class: 'field' }, h('label', { for: 'user-username' }, t('acct.username')), this.userIn, h('p', { id: 'user-username-help', class: 'muted small' }, t('acct.usernameHelp'))),
      h('div', { class: 'field' }, h('label', { for: 'user-name' }, t('acct.name')), this.nameIn),
      h('div', { class: 'field' }, h('label', { for: 'user-unit' }, t('acct.unit')), this.unitSel),
      h('fieldset', { class: 'roles' }, h('legend', {}, t('acct.roles')),
        Object.entries(ROLE).map(([r, k]) => h('div', { class: 'check' }, this.roleIns[r], h('label', { for: `user-role-${r}` }, t(k))))),
      this.pwBox,
      h('div', { class: 'form-actions' },
        h('button', { type: 'button', 'data-testid': 'user-cancel', onclick: () => this.close() }, t('common.cancel')),
        h('button', { type: 'submit', class: 'primary', 'data-testid': 'user-save' }, t('common.save'))));
  }

  async refresh() {
    const [users, units] = await Promise.all([api.get('/api/v1/users'), api.get('/api/v1/units')]);
    this.users = users;
    this.units = units;
    if (this.status.el.dataset.kind === 'loading') this.status.clear();
    this.render();
  }

  fail(e) { this.status.fail(e); }

  render() {
    const q = this.filterIn.value.trim().toLowerCase();
    const list = this.users
      .filter((u) => this.retiredIn.checked || !u.retired)
      .filter((u) => !q || `${u.username} ${u.name} ${u.unit} ${unitName(this.units, u.unit)}`.toLowerCase().includes(q))
      .sort((a, b) => a.username.localeCompare(b.username));
    if (same(this, [list, this.units])) return;
    if (!list.length) { this.table.replaceChildren(h('p', { class: 'empty' }, t('acct.none'))); return; }
    this.table.replaceChildren(h('table', { class: 'data' },
      h('thead', {}, h('tr', {}, HEAD.map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, list.map((u) => this.row(u)))));
  }

  row(u) {
    const [st, text] = state(u);
    const self = u.username === this.me?.username;
    const act = (id, key, fn, cls = '') => h('button', { type: 'button', class: `small ${cls}`, 'aria-label': `${t(key)}: ${u.username}`, 'data-testid': `user-${id}-${u.username}`, onclick: fn }, t(key));
    return h('tr', { 'data-testid': `user-${u.username}`, 'data-state': st },
      h('th', { scope: 'row' }, u.username, self ? h('span', { class: 'muted small' }, ` (${t('acct.you')})`) : null),
      h('td', {}, u.name), h('td', {}, unitName(this.units, u.unit)),
      h('td', {}, (u.roles || []).map((r) => (ROLE[r] ? t(ROLE[r]) : r)).join(', ')),
      h('td', {}, h('span', { class: `badge acct-${st}`, 'data-testid': `user-state-${u.username}` }, text)),
      h('td', { class: 'nowrap' }, u.last_login ? formatTime(u.last_login, true) : t('acct.never')),
      h('td', { class: 'row-actions' }, u.retired ? null : [
        act('edit', 'common.edit', () => this.open(u)),
        self ? null : (u.locked ? act('unlock', 'acct.unlock', () => this.unlock(u)) : act('lock', 'acct.lock', () => this.lock(u))),
        act('reset', 'acct.reset', () => this.reset(u)),
        self ? null : act('retire', 'acct.retire', () => this.retire(u), 'danger'),
      ]));
  }

  // open shows the form for a new account (u null) or to edit u.
  open(u) {
    this.editing = u;
    this.formTitle.textContent = u ? t('acct.editTitle', u.username) : t('acct.addTitle');
    this.userIn.value = u ? u.username : '';
    this.userIn.disabled = !!u;
    this.nameIn.value = u ? u.name : '';
    this.unitSel.replaceChildren(...unitOptions(this.units, u ? u.unit : '', { none: t('acct.pickUnit') }));
    for (const [r, box] of Object.entries(this.roleIns)) box.checked = !!u && (u.roles || []).includes(r);
    this.pwBox.hidden = !!u;
    this.pwIn.value = u ? '' : newPassword();
    this.form.hidden = false;
    this.addBtn.hidden = true;
    (u ? this.nameIn : this.userIn).focus();
  }

  close() {
    this.form.hidden = true;
    this.addBtn.hidden = false;
    this.editing = null;
  }

  async save(e) {
    e.preventDefault();
    const username = this.userIn.value.trim();
    const body = { name: this.nameIn.value.trim(), unit: this.unitSel.value, roles: Object.keys(ROLE).filter((r) => this.roleIns[r].checked) };
    const stop = (field, key) => { this.status.show('bad', t(key)); field?.focus(); };
    if (!this.editing && !NAME_RE.test(username)) return stop(this.userIn, 'acct.badUsername');
    if (!body.name) return stop(this.nameIn, 'acct.needName');
    if (!body.unit) return stop(this.unitSel, 'acct.needUnit');
    if (!body.roles.length) return stop(this.roleIns.crew, 'acct.needRole');
    const password = this.pwIn.value;
    if (!this.editing && [...password].length < 12) return stop(this.pwIn, 'pw.weakLength');
    try {
      if (this.editing) await api.put(`/api/v1/users/${encodeURIComponent(this.editing.username)}`, body);
      else await api.post('/api/v1/users', { username, ...body, password });
    } catch (err) {
      this.status.fail(err);
      return;
    }
    this.status.ok(this.editing ? t('acct.saved', username) : t('acct.created', username, password));
    this.close();
    this.shown = null;
    await this.refresh().catch((x) => this.fail(x));
  }

  async op(u, path, body, done) {
    try {
      await api.post(`/api/v1/users/${encodeURIComponent(u.username)}/${path}`, body);
    } catch (err) {
      this.status.fail(err);
      return;
    }
    this.status.ok(done);
    this.shown = null;
    await this.refresh().catch((x) => this.fail(x));
  }

  async lock(u) {
    const reason = await dialog({ title: t('acct.lockTitle', u.username), body: t('acct.lockBody'), ok: t('acct.lock'), danger: true,
      input: { label: t('acct.lockReason'), required: true } });
    if (reason) await this.op(u, 'lock', { reason }, t('acct.lockedOK', u.username));
  }

  async unlock(u) {
    if (await dialog({ title: t('acct.unlockTitle', u.username), body: t('acct.unlockBody'), ok: t('acct.unlock') })) {
      await this.op(u, 'unlock', undefined, t('acct.unlockedOK', u.username));
    }
  }

  async reset(u) {
    const password = await dialog({ title: t('acct.resetTitle', u.username), body: t('acct.resetBody'), ok: t('acct.reset'),
      input: { label: t('acct.initialPassword'), value: newPassword(), required: true, hint: t('acct.passwordHelp') } });
    if (password) await this.op(u, 'password', { password }, t('acct.resetOK', u.username, password));
  }

  async retire(u) {
    if (await dialog({ title: t('acct.retireTitle', u.username), body: t('acct.retireBody'), ok: t('acct.retire'), danger: true })) {
      await this.op(u, 'retire', undefined, t('acct.retiredOK', u.username));
    }
  }
}
