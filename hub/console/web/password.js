// Changing one's password: forced after a new account's first login or an
// administrator's reset (Decision 3035: new accounts must change the
// password), or chosen from the user menu. The policy (at least 12
// characters, not the username, not a common password) is shown and
// checked as the user types; the hub has the last word.
import { api, APIError } from './api.js';
import { h } from './core/dom.js';
import { t } from './i18n.js';
import { errorText } from './ui.js';

const MIN = 12;

// weakText says which rule the hub's weak_password message is about.
function weakText(message) {
  const m = (message || '').toLowerCase();
  if (m.includes('at least')) return t('pw.weakLength');
  if (m.includes('username')) return t('pw.weakUser');
  if (m.includes('common')) return t('pw.weakCommon');
  if (m.includes('differ')) return t('pw.weakSame');
  if (m.includes('repeated')) return t('pw.weakRepeat');
  return t('pw.weak', message);
}

export class PasswordView {
  // forced: nothing else is possible until the password is changed.
  /**
   * @param {HTMLElement} root
   * @param {{me: any, forced?: boolean, onDone?: () => void, onLogout?: () => void}} opts
   */
  constructor(root, { me, forced = false, onDone, onLogout }) {
    this.me = me;
    this.forced = forced;
    this.onDone = onDone;
    const field = (id, autocomplete) => h('input', { id, type: 'password', autocomplete, required: true, 'data-testid': id });
    this.old = field('pw-old', 'current-password');
    this.new = field('pw-new', 'new-password');
    this.again = field('pw-confirm', 'new-password');
    this.new.setAttribute('aria-describedby', 'pw-rules');
    this.show = h('input', { id: 'pw-show', type: 'checkbox', 'data-testid': 'pw-show', onchange: () => {
      for (const f of [this.old, this.new, this.again]) f.type = this.show.checked ? 'text' : 'password';
    } });
    this.rules = {
      length: h('li', {}, t('pw.ruleLength')),
      user: h('li', {}, t('pw.ruleUser')),
      common: h('li', { class: 'rule-info' }, t('pw.ruleCommon')),
      match: h('li', {}, t('pw.ruleMatch')),
    };
    this.err = h('p', { class: 'error', role: 'alert', 'data-testid': 'pw-error' });
    this.done = h('p', { class: 'status ok', role: 'status', 'data-testid': 'pw-done' });
    this.submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'pw-submit' }, t('pw.submit'));
    const leave = forced
      ? h('button', { type: 'button', class: 'ghost', 'data-testid': 'pw-logout', onclick: () => onLogout?.() }, t('nav.logout'))
      : h('a', { href: '#/', class: 'button ghost', 'data-testid': 'pw-cancel' }, t('pw.cancel'));
    const form = h('form', { class: 'login pwform', 'data-testid': 'pw-form', novalidate: true, oninput: () => this.check(), onsubmit: (e) => this.save(e) },
      h('h1', {}, t('pw.title')),
      forced ? h('p', { class: 'notice', 'data-testid': 'pw-forced' }, t('pw.forcedIntro')) : null,
      h('p', { class: 'muted' }, t('pw.account', me?.name || me?.username || '', me?.username || '')),
      h('label', { for: 'pw-old' }, t('pw.old')), this.old,
      h('label', { for: 'pw-new' }, t('pw.new')), this.new,
      h('ul', { id: 'pw-rules', class: 'rules', 'data-testid': 'pw-rules', 'aria-label': t('pw.rules') }, Object.values(this.rules)),
      h('label', { for: 'pw-confirm' }, t('pw.confirm')), this.again,
      h('div', { class: 'check' }, this.show, h('label', { for: 'pw-show' }, t('pw.show'))),
      h('div', { class: 'form-actions' }, leave, this.submit), this.err, this.done);
    root.replaceChildren(form);
    this.old.focus();
    this.check();
  }

  // check marks each rule met or not as the user types.
  check() {
    const pw = this.new.value;
    const user = (this.me?.username || '').toLowerCase();
    const ok = {
      length: [...pw].length >= MIN,
      user: pw !== '' && !(user && pw.toLowerCase().includes(user)),
      match: pw !== '' && pw === this.again.value,
    };
    for (const [k, v] of Object.entries(ok)) {
      this.rules[k].className = v ? 'rule-ok' : 'rule-no';
      this.rules[k].dataset.ok = String(v);
    }
    return ok;
  }

  async save(e) {
    e.preventDefault();
    this.err.textContent = '';
    this.done.textContent = '';
    const ok = this.check();
    const stop = (field, key) => { this.err.textContent = t(key); field.focus(); };
    if (!this.old.value) return stop(this.old, 'pw.needOld');
    if (!ok.length) return stop(this.new, 'pw.weakLength');
    if (!ok.user) return stop(this.new, 'pw.weakUser');
    if (this.new.value === this.old.value) return stop(this.new, 'pw.weakSame');
    if (!ok.match) return stop(this.again, 'pw.mismatch');
    this.submit.disabled = true;
    try {
      await api.post('/api/v1/me/password', { old: this.old.value, new: this.new.value });
    } catch (err) {
      if (err instanceof APIError && err.code === 'bad_credentials') stop(this.old, 'pw.badOld');
      else if (err instanceof APIError && err.code === 'weak_password') { this.err.textContent = weakText(err.message); this.new.focus(); }
      else if (err instanceof APIError && err.code === 'locked') this.err.textContent = t('login.locked');
      else this.err.textContent = errorText(err);
      return;
    } finally {
      this.submit.disabled = false;
    }
    for (const f of [this.old, this.new, this.again]) f.value = '';
    this.check();
    this.done.textContent = t('pw.done');
    this.onDone?.();
  }

  update() {}
  destroy() {}
}
