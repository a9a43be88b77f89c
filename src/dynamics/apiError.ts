// What a failed Dataverse request was, in words, and whether trying it again can help.
// dynamics-web-api rejects with its RequestError (status, code, message, headers) for an HTTP
// answer, with Node's own error for a dropped connection, and with an array when a $batch
// itself failed.

export interface DataverseFailure {
  status?: number;
  code?: string;
  message: string;
  headers?: Record<string, unknown>;
}

export function failureOf(err: unknown): DataverseFailure {
  if (Array.isArray(err)) return failureOf(err.find((e) => e instanceof Error) ?? err[0]);
  if (err && typeof err === 'object') {
    const e = err as { status?: unknown; code?: unknown; message?: unknown; headers?: unknown; error?: { code?: unknown; message?: unknown } };
    // An operation inside a $batch: the library keeps Dataverse's body under `error`.
    const inner = e.error && typeof e.error === 'object' ? e.error : undefined;
    if (inner && typeof inner.message === 'string') {
      return {
        status: typeof e.status === 'number' ? e.status : undefined,
        code: typeof inner.code === 'string' ? inner.code : undefined,
        message: inner.message,
        headers: e.headers && typeof e.headers === 'object' ? (e.headers as Record<string, unknown>) : undefined,
      };
    }
    return {
      status: typeof e.status === 'number' ? e.status : undefined,
      code: typeof e.code === 'string' ? e.code : undefined,
      message: typeof e.message === 'string' && e.message ? e.message : 'no message',
      headers: e.headers && typeof e.headers === 'object' ? (e.headers as Record<string, unknown>) : undefined,
    };
  }
  return { message: String(err) };
}

/** No HTTP answer at all: reset, refused, timed out (the library destroys a timed-out socket). */
export function isNoAnswer(f: DataverseFailure): boolean {
  return f.status === undefined && /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket hang up|aborted|timeout|other side closed/i.test(`${f.code ?? ''} ${f.message}`);
}

export function isTransient(f: DataverseFailure): boolean {
  return isNoAnswer(f) || f.status === 500 || f.status === 502 || f.status === 503 || f.status === 504;
}

export function describeFailure(f: DataverseFailure): string {
  if (f.status === undefined) return `no answer (${f.code ? `${f.code}: ` : ''}${f.message})`;
  const message = f.message === 'Unexpected Error' || f.message === 'no message' ? '' : `: ${f.message}`;
  return `HTTP ${f.status}${f.code && /^0x/i.test(f.code) ? ` ${f.code}` : ''}${message}`;
}

export function headerValue(f: DataverseFailure, name: string): unknown {
  if (!f.headers) return undefined;
  const key = Object.keys(f.headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : f.headers[key];
}
