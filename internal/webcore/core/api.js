// The error both apps' API calls throw: the server's HTTP status and its
// error code ({"error": {"code", "message"}}); status 0 when the server
// could not be reached (where an app reports that as an APIError).
export class APIError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} [message]
   */
  constructor(status, code, message) {
    super(message || code);
    this.name = 'APIError';
    this.status = status;
    this.code = code;
  }

  /** transient tells whether trying again later may succeed. */
  get transient() {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/**
 * errorOf turns a failed response into an APIError with the server's code
 * and message (fallback when the body has none, e.g. 'http').
 * @param {Response} resp
 * @param {string} fallback
 * @returns {Promise<APIError>}
 */
export async function errorOf(resp, fallback) {
  /** @type {{error?: {code?: string, message?: string}}} */
  const data = await resp.json().catch(() => ({}));
  return new APIError(resp.status, data?.error?.code ?? fallback, data?.error?.message ?? resp.statusText);
}
