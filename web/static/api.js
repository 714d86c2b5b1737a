// api.js: the JSON API of API.md, same origin. Every call either returns
// the parsed body or throws an ApiError (the server said no) or a
// NetworkError (no answer at all), so pages can tell a person which it was.
import { t } from './i18n.js';

export class ApiError extends Error {
  constructor(status, code, message, field, retryAfter) {
    super(message || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field || null;
    this.retryAfter = retryAfter;	// seconds, or null
  }
}

export class NetworkError extends Error {
  constructor(message) {
    super(message);
    this.name = 'NetworkError';
  }
}

function retryAfterSeconds(v) {
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const when = Date.parse(v);
  return Number.isNaN(when) ? null : Math.max(1, Math.ceil((when - Date.now()) / 1000));
}

// api('/api/v1/...', {method, body, token, headers}). body is sent as JSON.
export async function api(path, { method = 'GET', body, token, headers = {}, signal } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  if (token) h.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(path, {
      method, headers: h, signal, credentials: 'omit', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new NetworkError(e.message);
  }
  let data = null;
  let text = '';
  try {
    text = await res.text();
  } catch (e) {
    throw new NetworkError(e.message);
  }
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new ApiError(res.status, e.code || `http_${res.status}`, e.message,
      e.field, retryAfterSeconds(res.headers.get('Retry-After')));
  }
  return data;
}

export const enc = encodeURIComponent;

export function workerPath(w) {
  return `/api/v1/workers/${enc(w)}`;
}

export function servicePath(w, s) {
  return `${workerPath(w)}/services/${enc(s)}`;
}

export function bookingPath(id) {
  return `/api/v1/bookings/${enc(id)}`;
}

// A sentence a person understands, in the current language, for any error
// thrown by api(). Field errors (422) are better shown at the field; this
// is the fallback.
export function describeError(err) {
  if (err instanceof NetworkError) return t('error.network');
  if (!(err instanceof ApiError)) return t('error.unexpected');
  switch (err.status) {
    case 401:
    case 403:
      return t('error.unauthorized');
    case 404:
      return t('error.notFound');
    case 409:
      return err.code === 'slot_unavailable' ? t('error.slotTaken') : t('error.conflict');
    case 413:
      return t('error.tooLarge');
    case 422: {
      const key = `error.field.${err.field}`;
      const s = t(key);
      return s === key ? t('error.invalid') : s;
    }
    case 429:
      return err.retryAfter
        ? t('error.rateLimitedWait', { n: err.retryAfter })
        : t('error.rateLimited');
    default:
      return err.status >= 500 ? t('error.server') : t('error.unexpected');
  }
}
