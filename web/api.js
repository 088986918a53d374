// The /v1 API client: the bearer token from sessionStorage (or, signed in with single sign-on, the
// session cookie and its CSRF token), JSON in and out, and one error type that carries the
// server's status, code and message (a policy denial's message is its reason).

const TOKEN_KEY = 'rapport.token';
let csrfToken = '';

/** The CSRF token of a single sign-on session (from /v1/session); '' for none. */
export function setCsrf(token) {
  csrfToken = token || '';
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(status, code, message, requestId) {
    super(message || `HTTP ${status}`);
    this.status = status;
    this.code = code || '';
    this.requestId = requestId || '';
  }

  /** The text to show: "consent identifiable not in force", or what went wrong in words. */
  get display() {
    if (this.status === 0) return this.message;
    if (this.message) return this.message;
    return `The server answered HTTP ${this.status}.`;
  }
}

async function errorFrom(response) {
  let body = null;
  try {
    body = await response.json();
  } catch (_) {
    // not JSON: fall through to the status line
  }
  if (body && typeof body === 'object') {
    return new ApiError(response.status, body.code, body.message, body.request_id);
  }
  const fallback = response.status === 401 ? 'Your token was not accepted; sign in again.' :
      response.status === 429 ? 'Too many requests; wait a moment and try again.' :
      `The server answered ${response.status} ${response.statusText}`.trim();
  return new ApiError(response.status, '', fallback, response.headers.get('X-Request-Id'));
}

/**
 * request('GET', '/v1/who-knows', {query: {target}}) → parsed JSON.
 * opts.body is sent as JSON; opts.raw returns the Response (for CSV downloads).
 */
export async function request(method, path, opts = {}) {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(opts.query || {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  }
  const headers = {Accept: opts.accept || 'application/json'};
  const token = opts.token !== undefined ? opts.token : getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  else if (csrfToken && method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  let body;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let response;
  try {
    response = await fetch(url, {method, headers, body, cache: 'no-store',
      credentials: 'same-origin'});
  } catch (e) {
    throw new ApiError(0, 'network', 'The rapport server could not be reached. Is it still running?');
  }
  if (!response.ok) {
    const error = await errorFrom(response);
    if (response.status === 401 && opts.onUnauthorized !== false) {
      window.dispatchEvent(new CustomEvent('rapport:unauthorized', {detail: error}));
    }
    throw error;
  }
  if (opts.raw) return response;
  if (response.status === 204) return null;
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

export const get = (path, query, opts = {}) => request('GET', path, {...opts, query});
export const post = (path, body, opts = {}) => request('POST', path, {...opts, body});
export const del = (path, opts = {}) => request('DELETE', path, opts);
