// DOM helpers shared by the console and the crew app.

/**
 * @typedef {Record<string, unknown>} Attrs
 * @typedef {Node | string | number | boolean | null | undefined | readonly unknown[]} Child nested arrays of children are flattened
 */

/**
 * h builds an element: h('div', {class: 'x', onclick: f}, child, 'text').
 * Attributes set to undefined, null or false are left out, true gives an
 * empty attribute; on* functions become listeners; dataset fills data-*.
 * value is an attribute (the default value of an input, an option's value)
 * except on a textarea and a select, whose value is set once their
 * children are in. Children nest in arrays; null, undefined and false
 * children are left out.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  /** @type {unknown} */
  let value;
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), /** @type {EventListener} */ (v));
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value' && (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement)) value = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  }
  if (value !== undefined && (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement)) el.value = String(value);
  return el;
}

/**
 * fmtBytes shows a size in B, KB, MB, GB or TB (— for none).
 * @param {number | null | undefined} n
 * @returns {string}
 */
export function fmtBytes(n) {
  if (!n) return '—';
  const u = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i ? 1 : 0)} ${u[i]}`;
}

/**
 * num shows a number with digits decimals, — when there is none.
 * @param {number | null | undefined} v
 * @param {number} [digits]
 * @returns {string}
 */
export const num = (v, digits = 0) => (v === null || v === undefined || Number.isNaN(v) ? '—' : Number(v).toFixed(digits));

/**
 * isSet tells whether a wire time is a real time: the servers omit zero
 * times or write Go's zero time, 0001-01-01T00:00:00Z.
 * @param {unknown} iso
 * @returns {iso is string}
 */
export function isSet(iso) {
  return typeof iso === 'string' && iso !== '' && !iso.startsWith('0001-01-01');
}

/**
 * uuid is a random client id (version 4). crypto.randomUUID exists only in
 * a secure context; the vehicle's LAN app may be served over plain HTTP.
 * @returns {string}
 */
export function uuid() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID(); // absent outside a secure context
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * keyed brings a list container up to date without replacing what did not
 * change: each item has a key and a signature (what it shows), and its
 * element is rebuilt only when the signature changes. A button under the
 * user's finger is thus not swapped for an identical one by a refresh,
 * which would lose the tap. entries is the list's memory (a Map).
 * @template T
 * @param {Element} container
 * @param {Map<string, {sig: string, el: Element}>} entries
 * @param {T[]} items
 * @param {(item: T) => string} key
 * @param {(item: T) => string} sig
 * @param {(item: T) => Element} build
 */
export function keyed(container, entries, items, key, sig, build) {
  /** @type {Map<string, {sig: string, el: Element}>} */
  const next = new Map();
  const els = items.map((item) => {
    const k = key(item);
    const s = sig(item);
    let entry = entries.get(k);
    if (!entry || entry.sig !== s) entry = { sig: s, el: build(item) };
    next.set(k, entry);
    return entry.el;
  });
  entries.clear();
  for (const [k, v] of next) entries.set(k, v);
  const cur = [...container.children];
  if (cur.length !== els.length || cur.some((el, i) => el !== els[i])) container.replaceChildren(...els);
}
