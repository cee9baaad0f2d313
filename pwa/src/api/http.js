// Every request to our server goes through here, so the CSRF header, the
// cookie policy and the language are added at send time and never stored.
let csrfToken = null;
let language = null;

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// On a weak signal a request can stall without failing; a run that waits
// forever would hold the sync lock forever. Photos get longer.
const DEFAULT_TIMEOUT_MS = 30_000;

/** A non-2xx answer, with the server's error envelope when it sent one. */
export class HttpError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.name = 'HttpError';
    this.status = status;
    this.code = body?.code ?? null;
    this.body = body;
  }
}

/** Thrown when there is no answer at all: offline, DNS, connection reset. */
export class NetworkError extends Error {
  constructor(cause) {
    super('network unreachable', { cause });
    this.name = 'NetworkError';
  }
}

export function setCsrfToken(token) {
  csrfToken = token;
}

export function setLanguage(lang) {
  language = lang;
}

export async function request(
  path,
  { method = 'GET', body, headers, timeoutMs = DEFAULT_TIMEOUT_MS } = {},
) {
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json', ...headers },
    signal: AbortSignal.timeout?.(timeoutMs),
  };

  if (language) init.headers['Accept-Language'] = language;
  if (UNSAFE.has(method) && csrfToken) {
    init.headers['X-CSRF-Token'] = csrfToken;
  }
  if (body instanceof Blob) {
    init.body = body;
    init.headers['Content-Type'] = body.type || 'application/octet-stream';
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }

  try {
    return await fetch(path, init);
  } catch (error) {
    throw new NetworkError(error);
  }
}

/** Send a request and answer its JSON body, throwing HttpError on non-2xx. */
export async function requestJson(path, options) {
  const response = await request(path, options);
  const body = await readJson(response);

  if (!response.ok) throw new HttpError(response.status, errorBody(body));
  return body;
}

async function readJson(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 200) };
  }
}

// Servers nest the envelope differently; accept {error: {...}} and flat.
function errorBody(body) {
  return body?.error && typeof body.error === 'object' ? body.error : body;
}
