// The hub's REST API, with the session cookie (same origin).
export class APIError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

async function call(method, path, body, type = 'application/json') {
  const init = { method, credentials: 'same-origin', headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = type;
    init.body = type === 'application/json' ? JSON.stringify(body) : body;
  }
  const resp = await fetch(path, init);
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) throw new APIError(resp.status, data?.error?.code ?? 'http', data?.error?.message ?? resp.statusText);
  return data;
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
