// The two servers the crew app talks to, on its own origin:
//   hub mode: the hub's /api/v1 (a crew account, bearer token);
//   vehicle mode: the vehicle node's /api/v1/crew (the crew passcode).
// The session (token and who) is kept in localStorage so the app works
// after a reload and without a network. Errors are APIError: status 0 and
// code 'network' when the server could not be reached.

import { APIError, errorOf } from './core/api.js';

export { APIError };

const SESSION = 'fieldwatch.crew.session';
const MODE = 'fieldwatch.crew.mode';

function load(key) {
  try { return JSON.parse(localStorage.getItem(key) ?? 'null'); } catch { return null; }
}

// session is who is logged in: {mode, token, user} at the hub,
// {mode, token, name, vehicle} on a vehicle; null when logged out.
export let session = load(SESSION);

export function setSession(s) {
  session = s;
  if (s) localStorage.setItem(SESSION, JSON.stringify(s));
  else localStorage.removeItem(SESSION);
}

// owner names whose queued items these are: the hub account, or the crew
// member on a vehicle. Items of another owner wait for them to log in.
export function owner(s = session) {
  if (!s) return '';
  return s.mode === 'hub' ? `hub:${s.user?.username ?? ''}` : `vehicle:${s.vehicle}:${s.name}`;
}

export function ownerName(o) {
  const [mode, a, b] = o.split(':');
  return mode === 'hub' ? a : b || a;
}

/**
 * call asks a server; json is sent as JSON, body as it is with its type.
 * raw gives the response itself (an image) rather than its JSON.
 * @param {string} method
 * @param {string} path
 * @param {{json?: unknown, body?: BodyInit, type?: string, timeout?: number, raw?: boolean}} [opts]
 */
async function call(method, path, { json, body, type, timeout = 15000, raw = false } = {}) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (session?.token) headers.Authorization = `Bearer ${session.token}`;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (type) headers['Content-Type'] = type;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeout);
  let resp;
  try {
    resp = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: ctl.signal, cache: 'no-store' });
  } catch (e) {
    throw new APIError(0, 'network', e.name === 'AbortError' ? 'timeout' : e.message);
  } finally {
    clearTimeout(timer);
  }
  if (!resp.ok) throw await errorOf(resp, `http_${resp.status}`);
  if (raw) return resp;
  return resp.json().catch(() => ({}));
}

// detectMode asks the server which one it is: a vehicle node answers
// /api/v1/crew/info, the hub does not (404). Without a network the mode
// last seen on this origin is used.
export async function detectMode() {
  try {
    const info = await call('GET', '/api/v1/crew/info', { timeout: 6000 });
    const m = { mode: 'vehicle', vehicle: info.vehicle, online: true };
    localStorage.setItem(MODE, JSON.stringify(m));
    return m;
  } catch (e) {
    if (e.status === 404) {
      const m = { mode: 'hub', online: true };
      localStorage.setItem(MODE, JSON.stringify(m));
      return m;
    }
    const last = load(MODE);
    return { ...(last ?? { mode: 'hub' }), online: false };
  }
}

export const hub = {
  login: (username, password) => call('POST', '/api/v1/auth/login', { json: { username, password } }),
  logout: () => call('POST', '/api/v1/auth/logout', { timeout: 4000 }),
  me: () => call('GET', '/api/v1/me'),
  changePassword: (old, nw) => call('POST', '/api/v1/me/password', { json: { old, new: nw } }),
  vehicles: () => call('GET', '/api/v1/vehicles'),
  instructions: () => call('GET', '/api/v1/instructions'),
  receipt: (id, vehicle, state) => call('POST', `/api/v1/instructions/${encodeURIComponent(id)}/receipt`, { json: { vehicle, state } }),
  reports: () => call('GET', '/api/v1/reports'),
  missions: () => call('GET', '/api/v1/missions?mine=1'),
  closeMission: (id, summary, findings) => call('POST', `/api/v1/missions/${encodeURIComponent(id)}/close`, { json: { summary, findings } }),
  createReport: (r) => call('POST', '/api/v1/reports', { json: r }),
  done: (id, note) => call('POST', `/api/v1/reports/${encodeURIComponent(id)}/done`, { json: { note } }),
  uploadPhoto: (blob) => call('POST', '/api/v1/photos', { body: blob, type: 'image/jpeg', timeout: 120000 }),
  photo: async (id) => (await call('GET', `/api/v1/photos/${encodeURIComponent(id)}`, { raw: true, timeout: 60000 })).blob(),
};

export const vehicle = {
  login: (name, passcode) => call('POST', '/api/v1/crew/login', { json: { name, passcode } }),
  status: () => call('GET', '/api/v1/crew/status'),
  instructions: () => call('GET', '/api/v1/crew/instructions'),
  receipt: (id, state) => call('POST', `/api/v1/crew/instructions/${encodeURIComponent(id)}/receipt`, { json: { state } }),
  report: (r) => call('POST', '/api/v1/crew/reports', { json: r }),
  missions: () => call('GET', '/api/v1/crew/missions'),
  closeMission: (id, summary, findings) => call('POST', `/api/v1/crew/missions/${encodeURIComponent(id)}/close`, { json: { summary, findings } }),
  uploadPhoto: (blob) => call('POST', '/api/v1/crew/photos', { body: blob, type: 'image/jpeg', timeout: 120000 }),
};

// cache keeps the last good answer of a list on the phone, so the app
// shows something (and the report form its vehicles) without a network.
export const cache = {
  get(name) {
    const c = load(`fieldwatch.crew.cache.${owner()}.${name}`);
    return c ?? { at: null, data: null };
  },
  // clear forgets what one user's lists showed (at logout: a shared phone).
  clear() {
    const prefix = `fieldwatch.crew.cache.${owner()}.`;
    for (const k of Object.keys(localStorage)) if (k.startsWith(prefix)) localStorage.removeItem(k);
  },
  put(name, data) {
    try {
      localStorage.setItem(`fieldwatch.crew.cache.${owner()}.${name}`, JSON.stringify({ at: new Date().toISOString(), data }));
    } catch { /* storage full: the cache is a convenience */ }
  },
};
