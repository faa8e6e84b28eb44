// The hub's REST API, with the session cookie (same origin). A failed
// answer is an APIError (the shared core's); a network failure is the
// fetch's own error, which the console shows as lost contact.
import { APIError, errorOf } from './core/api.js';

export { APIError };

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {string} [type]
 */

async function call(method, path, body, type = 'application/json') {
  /** @type {RequestInit & {headers: Record<string, string>}} */
  const init = { method, credentials: 'same-origin', headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = type;
    init.body = type === 'application/json' ? JSON.stringify(body) : /** @type {BodyInit} */ (body);
  }
  const resp = await fetch(path, init);
  if (!resp.ok) throw await errorOf(resp, 'http');
  return resp.json().catch(() => ({}));
}

export const api = {
  login: (username, password) => call('POST', '/api/v1/auth/login', { username, password }),
  logout: () => call('POST', '/api/v1/auth/logout'),
  me: () => call('GET', '/api/v1/me'),
  info: () => call('GET', '/api/v1/info'),
  vehicles: () => call('GET', '/api/v1/vehicles'),
  simLink: (vehicle, up) => call('POST', '/api/v1/sim/link', { vehicle, up }),
  get: (path) => call('GET', path),
  post: (path, body) => call('POST', path, body),
  put: (path, body) => call('PUT', path, body),
  del: (path) => call('DELETE', path),
  // upload sends raw bytes (a photo) with their type.
  upload: (path, blob, type) => call('POST', path, blob, type),
};
