// Shared pieces of the console's pages: error texts, a status line, modal
// dialogs (confirm, ask for a text), the unit tree, roles and ids.
import { APIError } from './api.js';
import { h } from './core/dom.js';
import { stateKey } from './core/whep.js';
import { t } from './i18n.js';

// Role names of the API, and how the console names them.
export const ROLE = { admin: 'role.admin', leader: 'role.leader', duty: 'role.duty', surveillance: 'role.surveillance', crew: 'role.crew' };

export const hasRole = (me, ...roles) => (me?.roles || []).some((r) => roles.includes(r));

// randomID is a fresh opaque id (crypto.randomUUID needs a secure context,
// and the hub may be reached over plain HTTP on a LAN).
export function randomID() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

// isZero is true for a missing time or Go's zero time.
export const isZero = (iso) => !iso || iso.startsWith('0001-');

// stateText is what a camera tile or the full view says for a player
// state, or for camDown (the vehicle reports the camera down).
export function stateText(state, detail) {
  if (state === 'camDown') return t('cam.down');
  const key = stateKey(state);
  return key === 'cam.error' ? t(key, detail ?? '') : t(key);
}

// errorText says what went wrong in the user's language: lost contact,
// not allowed, or the hub's own message.
export function errorText(e) {
  if (!(e instanceof APIError)) return t('err.network');
  if (e.status === 403 && e.code === 'forbidden') return t('err.forbidden');
  if (e.status === 401) return t('login.expired');
  return t('err.api', e.message || e.code);
}

// Status is a line that says how a page or an action went: loading, done,
// failed, or not allowed.
export class Status {
  constructor(testid) {
    this.el = h('p', { class: 'status', role: 'status', 'aria-live': 'polite', 'data-testid': testid });
  }

  show(kind, text) {
    this.el.className = `status ${kind}`;
    this.el.dataset.kind = kind;
    this.el.textContent = text;
  }

  loading() { this.show('loading', t('common.loading')); }
  ok(text) { this.show('ok', text); }
  clear() { this.show('', ''); }

  // fail shows an error; a 403 reads as a clear "not allowed".
  fail(e) {
    const forbidden = e instanceof APIError && e.status === 403 && e.code === 'forbidden';
    this.show(forbidden ? 'forbidden' : 'bad', errorText(e));
  }
}

// forbiddenPage is what a page shows to an account its role keeps out.
export function forbiddenPage() {
  return h('section', { class: 'page forbidden', 'data-testid': 'forbidden' },
    h('h1', {}, t('err.forbiddenTitle')), h('p', {}, t('err.forbidden')),
    h('p', {}, h('a', { href: '#/' }, t('view.back'))));
}

// dialog asks the user in a modal <dialog> (keyboard: Tab stays inside,
// Esc cancels). With input, it resolves to the entered text or null;
// without, to true or false.
export function dialog({ title, body = '', ok, danger = false, input = null }) {
  return new Promise((resolve) => {
    const field = input && h('input', { id: 'dialog-input', type: input.type || 'text', value: input.value || '', required: input.required,
      autocomplete: 'off', spellcheck: false, 'data-testid': 'dialog-input' });
    const cancel = h('button', { type: 'button', autofocus: !field, 'data-testid': 'dialog-cancel', onclick: () => done(false) }, t('common.cancel'));
    const confirm = h('button', { type: 'submit', class: danger ? 'danger' : 'primary', 'data-testid': 'dialog-ok' }, ok || t('common.ok'));
    const form = h('form', { method: 'dialog', onsubmit: (e) => {
      e.preventDefault();
      if (field && input.required && !field.value.trim()) { field.focus(); return; }
      done(true);
    } },
    h('h2', { id: 'dialog-title' }, title),
    body ? h('p', { class: 'dialog-body' }, body) : null,
    field ? [h('label', { for: 'dialog-input' }, input.label), field, input.hint ? h('p', { class: 'muted small' }, input.hint) : null] : null,
    h('div', { class: 'dialog-actions' }, cancel, confirm));
    const el = h('dialog', { class: 'dialog', 'aria-labelledby': 'dialog-title', 'data-testid': 'dialog', oncancel: (e) => { e.preventDefault(); done(false); } }, form);
    let settled = false;
    function done(yes) {
      if (settled) return;
      settled = true;
      el.close();
      el.remove();
      resolve(field ? (yes ? field.value.trim() : null) : yes);
    }
    document.body.append(el);
    el.showModal();
    (field || cancel).focus();
  });
}

// modal shows content (a form with its own buttons) in a modal <dialog>
// titled title (keyboard: Tab stays inside, Esc closes). It returns the
// function that closes it; onClose runs once when it goes.
export function modal({ title, testid, content, wide = false, onClose = () => {} }) {
  const titleID = `${testid}-title`;
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    el.close();
    el.remove();
    onClose();
  };
  const el = h('dialog', { class: wide ? 'dialog wide' : 'dialog', 'aria-labelledby': titleID, 'data-testid': testid,
    oncancel: (e) => { e.preventDefault(); close(); } },
  h('h2', { id: titleID }, title), content);
  document.body.append(el);
  el.showModal();
  return close;
}

// unitTree orders units depth first under their parents, by name, with
// their depth; a unit whose parent is not visible is a root.
export function unitTree(units) {
  const ids = new Set(units.map((u) => u.id));
  const kids = new Map();
  for (const u of units) {
    const p = ids.has(u.parent) ? u.parent : '';
    if (!kids.has(p)) kids.set(p, []);
    kids.get(p).push(u);
  }
  const out = [];
  const walk = (p, depth) => {
    for (const u of (kids.get(p) || []).sort((a, b) => a.name.localeCompare(b.name, 'vi'))) {
      out.push({ unit: u, depth });
      walk(u.id, depth + 1);
    }
  };
  walk('', 0);
  return out;
}

// unitOptions are <option>s of the unit tree, indented by depth.
/**
 * @param {any[]} units
 * @param {string} selected
 * @param {{none?: string | null, skip?: (unit: any) => boolean}} [opts]
 */
export function unitOptions(units, selected, { none = null, skip = () => false } = {}) {
  const opts = none ? [h('option', { value: '', selected: !selected }, none)] : [];
  for (const { unit, depth } of unitTree(units)) {
    if (skip(unit)) continue;
    opts.push(h('option', { value: unit.id, selected: unit.id === selected }, `${'\u00a0\u00a0\u00a0'.repeat(depth)}${unit.name}`));
  }
  return opts;
}

// unitName is a unit's name, or its id when the user cannot see it.
export const unitName = (units, id) => units.find((u) => u.id === id)?.name || id || '—';

// same tells whether fresh data differs from what is shown, so that a page
// refreshed every 2 s rebuilds (and moves the keyboard focus) only on change.
export function same(holder, data) {
  const s = JSON.stringify(data);
  if (holder.shown === s) return true;
  holder.shown = s;
  return false;
}

// copyText puts text on the clipboard, also outside a secure context.
export async function copyText(text, field) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    field?.select();
    return document.execCommand?.('copy') ?? false;
  }
}
