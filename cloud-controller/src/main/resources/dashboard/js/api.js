// The API client: every call sends the token kept in sessionStorage for this tab.

const TOKEN_KEY = 'flotilla.token';

/** The signed-in token and who it is (from GET /api/v1/whoami). */
export const session = {
  role: null,
  description: '',
  token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  save(token) {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    this.role = null;
    this.description = '';
  },
  isAdmin() {
    return this.role === 'ADMIN';
  },
};

/** An answer other than 2xx, with the API's message ({error, field, rule, message}). */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `the controller answered HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

const unauthorizedListeners = [];

/** Calls fn when any call answers 401 (token revoked or expired). */
export function onUnauthorized(fn) {
  unauthorizedListeners.push(fn);
}

/** GET (or another method with a JSON body) on /api/v1; resolves to the parsed JSON or null. */
export async function api(path, { method = 'GET', body, token = session.token(), signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
    signal,
  });
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text };
    }
  }
  if (!response.ok) {
    if (response.status === 401) unauthorizedListeners.forEach((fn) => fn());
    throw new ApiError(response.status, data);
  }
  return data;
}

/** Every node matching the filters, page by page, up to max. */
export async function allNodes({ labelSelector = '', state = '', max = 5000 } = {}) {
  const out = [];
  let next = '';
  do {
    const q = new URLSearchParams({ limit: '1000', labelSelector, state, continue: next });
    const page = await api(`/nodes?${q}`);
    out.push(...page.items);
    next = page.continueToken || '';
  } while (next && out.length < max);
  return { nodes: out, truncated: Boolean(next) };
}

/** Path segment encoding for ids and names. */
export function seg(value) {
  return encodeURIComponent(value);
}
