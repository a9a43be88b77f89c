// Outreach answers errors as JSON:API: {"errors": [{"id", "title", "detail"}]}. This turns one
// into a single line a user can act on, and carries the status for retry decisions.

export class OutreachApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'OutreachApiError';
  }
}

interface JsonApiError {
  id?: unknown;
  title?: unknown;
  detail?: unknown;
  source?: { pointer?: unknown };
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

/** "422 Validation Error: email cannot be changed (validationError)", or the raw text if not JSON:API. */
export function describeErrorBody(status: number, body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    const snippet = body.replace(/\s+/g, ' ').trim().slice(0, 160);
    return `${status}${snippet ? ` ${snippet}` : ''}`;
  }
  const errors = (parsed as { errors?: unknown }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return `${status}`;
  const parts = (errors as JsonApiError[]).map((e) => {
    const title = text(e.title);
    const detail = text(e.detail);
    const id = text(e.id);
    const words = [title, detail && detail !== title ? detail : undefined].filter(Boolean).join(': ');
    return `${words || 'error'}${id ? ` (${id})` : ''}`;
  });
  return `${status} ${parts.join('; ')}`;
}
