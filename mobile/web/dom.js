// Small DOM helpers for the crew app (adapted from the console's dom.js,
// which the app cannot import: on a vehicle only /m/ is served).

// h builds an element: h('div', {class: 'x', onclick: f}, child, 'text').
// Attributes set to undefined, null or false are left out.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

// isSet tells whether a wire time is a real time: the servers omit zero
// times or write Go's zero time, 0001-01-01T00:00:00Z.
export function isSet(iso) {
  return typeof iso === 'string' && iso !== '' && !iso.startsWith('0001-01-01');
}

// uuid is a client id for the outbox. crypto.randomUUID exists only in a
// secure context; the vehicle's LAN app may be served over plain HTTP.
export function uuid() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

// keyed brings a list container up to date without replacing what did not
// change: each item has a key and a signature (what it shows), and its
// element is rebuilt only when the signature changes. A button under the
// crew's finger is thus not swapped for an identical one by a refresh,
// which would lose the tap. entries is the list's memory (a Map).
export function keyed(container, entries, items, key, sig, build) {
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
