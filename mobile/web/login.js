// Logging in: with a crew account at the hub (and the forced password
// change of a new account, Decision 3035), or with one's name and the
// vehicle's crew passcode on the vehicle's LAN.
import { hub, vehicle, session, setSession } from './api.js';
import { h } from './core/dom.js';
import { t } from './i18n.js';

const MIN_PASSWORD = 12;

/**
 * field is a labelled input.
 * @param {string} id
 * @param {string} label
 * @param {Record<string, unknown>} attrs
 * @returns {[HTMLLabelElement, HTMLInputElement]}
 */
function field(id, label, attrs) {
  const input = h('input', { id, name: id, 'data-testid': id, required: true, ...attrs });
  return [h('label', { for: id }, label), input];
}

function loginError(e) {
  switch (e.code) {
    case 'bad_credentials': return t('login.bad');
    case 'locked': return t('login.locked');
    case 'initial_password_expired': return t('login.expired');
    case 'disabled': return t('login.disabled');
    case 'retired': return t('login.retired');
    case 'network': return t('login.offline');
    default: return t('login.error', e.message);
  }
}

// weakText says which rule the hub's weak_password message is about.
function weakText(message) {
  const m = (message || '').toLowerCase();
  if (m.includes('at least')) return t('pw.short');
  if (m.includes('username')) return t('pw.weakUser');
  if (m.includes('common')) return t('pw.weakCommon');
  if (m.includes('differ')) return t('pw.weakSame');
  if (m.includes('repeated')) return t('pw.weakRepeat');
  return t('pw.weak', message);
}

function pendingNote(pending) {
  return pending > 0 ? h('p', { class: 'notice', 'data-testid': 'login-pending' }, t('login.pending', pending)) : null;
}

// hubLogin shows the account login; onDone(session) once logged in.
export function hubLogin(root, { message = '', pending = 0, onDone }) {
  const [userLabel, user] = field('login-user', t('login.user'), { autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' });
  const [passLabel, pass] = field('login-password', t('login.password'), { type: 'password', autocomplete: 'current-password' });
  const err = h('p', { class: 'error', role: 'alert', 'data-testid': 'login-error' }, message);
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'login-submit' }, t('login.submit'));
  const form = h('form', { class: 'card form', 'data-testid': 'login-form', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    submit.disabled = true;
    try {
      const r = await hub.login(user.value.trim(), pass.value);
      setSession({ mode: 'hub', token: r.token, user: r.user, expires: r.expires });
      onDone(session);
    } catch (e) {
      err.textContent = loginError(e);
    } finally {
      submit.disabled = false;
    }
  } }, h('h2', {}, t('login.title')), pendingNote(pending), userLabel, user, passLabel, pass, submit, err);
  root.replaceChildren(form);
  user.focus();
}

// changePassword is the forced change before anything else is possible.
export function changePassword(root, { onDone, onLogout }) {
  const [oldLabel, old] = field('pw-old', t('pw.old'), { type: 'password', autocomplete: 'current-password' });
  const [newLabel, nw] = field('pw-new', t('pw.new'), { type: 'password', autocomplete: 'new-password', minlength: MIN_PASSWORD, 'aria-describedby': 'pw-rule' });
  const [againLabel, again] = field('pw-confirm', t('pw.confirm'), { type: 'password', autocomplete: 'new-password' });
  const err = h('p', { class: 'error', role: 'alert', 'data-testid': 'pw-error' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'pw-submit' }, t('pw.submit'));
  const form = h('form', { class: 'card form', 'data-testid': 'pw-form', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    if ([...nw.value].length < MIN_PASSWORD) { err.textContent = t('pw.short'); return; }
    if (nw.value !== again.value) { err.textContent = t('pw.mismatch'); return; }
    submit.disabled = true;
    try {
      await hub.changePassword(old.value, nw.value);
      setSession({ ...session, user: { ...session.user, must_change: false } });
      onDone();
    } catch (e) {
      if (e.code === 'bad_credentials') err.textContent = t('pw.badOld');
      else if (e.code === 'weak_password') err.textContent = weakText(e.message);
      else if (e.code === 'network') err.textContent = t('login.offline');
      else err.textContent = t('app.error', e.message);
    } finally {
      submit.disabled = false;
    }
  } },
  h('h2', {}, t('pw.title')), h('p', { class: 'notice' }, t('pw.intro')),
  oldLabel, old, newLabel, nw, h('p', { id: 'pw-rule', class: 'muted' }, t('pw.rule')), againLabel, again, submit, err,
  h('button', { type: 'button', class: 'secondary', 'data-testid': 'pw-logout', onclick: onLogout }, t('nav.logout')));
  root.replaceChildren(form);
  old.focus();
}

// vehicleLogin: the crew member's name and the vehicle's passcode.
export function vehicleLogin(root, { vehicleID, message = '', pending = 0, onDone }) {
  const [nameLabel, name] = field('login-name', t('login.name'), { autocomplete: 'name', maxlength: 80 });
  const [codeLabel, code] = field('login-passcode', t('login.passcode'), { type: 'password', autocomplete: 'current-password' });
  name.value = localStorage.getItem('fieldwatch.crew.name') ?? '';
  const err = h('p', { class: 'error', role: 'alert', 'data-testid': 'login-error' }, message);
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'login-submit' }, t('login.submit'));
  const form = h('form', { class: 'card form', 'data-testid': 'login-form', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    submit.disabled = true;
    try {
      const r = await vehicle.login(name.value.trim(), code.value);
      localStorage.setItem('fieldwatch.crew.name', r.name);
      setSession({ mode: 'vehicle', token: r.token, name: r.name, vehicle: r.vehicle });
      onDone(session);
    } catch (e) {
      err.textContent = e.code === 'bad_credentials' ? t('login.badPasscode') : loginError(e);
    } finally {
      submit.disabled = false;
    }
  } }, h('h2', {}, t('login.vehicleTitle', vehicleID)), pendingNote(pending), nameLabel, name, codeLabel, code, submit, err);
  root.replaceChildren(form);
  (name.value ? code : name).focus();
}
