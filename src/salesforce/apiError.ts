// What went wrong talking to Salesforce, in a form the rest of the code can decide on:
// retry (busy, network), stop with a clear message (session, limits, query), or report.

/** The error jsforce throws for an HTTP error answer: Salesforce's errorCode plus the body. */
export interface JsforceApiError extends Error {
  errorCode?: string;
  code?: string;
  data?: unknown;
}

export const asApiError = (err: unknown): JsforceApiError => (err instanceof Error ? err : new Error(String(err))) as JsforceApiError;

/** Salesforce's error code, or jsforce's ERROR_HTTP_nnn when the body was not JSON. */
export function errorCode(err: unknown): string | undefined {
  const e = asApiError(err);
  // jsforce folds a multi-error body into MULTIPLE_API_ERRORS; the first code is the meaningful one.
  if (e.errorCode === 'MULTIPLE_API_ERRORS' && Array.isArray(e.data)) {
    const first = (e.data as { errorCode?: unknown }[])[0]?.errorCode;
    if (typeof first === 'string') return first;
  }
  if (typeof e.errorCode === 'string') return e.errorCode;
  return undefined;
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'ENETDOWN', 'ENETUNREACH', 'EHOSTDOWN', 'EHOSTUNREACH', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

export function isTimeout(err: unknown): boolean {
  const e = asApiError(err);
  return e.name === 'AbortError' || e.message === 'Request Timeout' || /aborted due to timeout/.test(e.message);
}

export function isNetworkError(err: unknown): boolean {
  const e = asApiError(err);
  return (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) || e.name === 'FetchError';
}

/** Busy or unreachable for a moment: 5xx answers, timeouts, dropped connections. */
export function isTransient(err: unknown): boolean {
  const code = errorCode(err);
  if (code === 'SERVER_UNAVAILABLE' || code === 'UNKNOWN_EXCEPTION' || (code !== undefined && /^ERROR_HTTP_5\d\d$/.test(code))) return true;
  return isTimeout(err) || isNetworkError(err);
}

/** A short, credential-free description for messages and journals. */
export function describeApiError(err: unknown): string {
  const e = asApiError(err);
  const code = errorCode(err);
  if (isTimeout(err)) return 'request timed out';
  const message = e.message.split('\n')[0]?.trim() ?? '';
  if (code && code.startsWith('ERROR_HTTP_')) return `HTTP ${code.slice(11)}${message && !message.startsWith('<') ? `: ${message.slice(0, 200)}` : ''}`;
  if (code && message) return `${code}: ${message}`;
  return message || code || 'unknown error';
}
