// A fake Dataverse Web API and Microsoft Entra ID token endpoint over real HTTP on 127.0.0.1,
// reproducing the documented behaviour mapsync relies on (PLATFORM-FACTS "Microsoft Dynamics
// 365 / Dataverse Web API"): client-credentials tokens with AADSTS errors, systemusers read
// with $select and `Prefer: odata.maxpagesize` (≤ 5,000, echoed in Preference-Applied) and
// @odata.nextLink (no $skip), PATCH systemusers(<guid>) → 204, $batch multipart/mixed with and
// without change sets, `Prefer: odata.continue-on-error`, per-operation answers as
// application/http parts in order, {"error":{"code":"0x…","message"}} bodies, 401 for an
// expired token and 429 with Retry-After (seconds). It records every write that took effect,
// how many requests were in flight at once, and requests sent while a Retry-After was open.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';

export interface FakeSystemUser {
  systemuserid: string;
  fullname: string;
  internalemailaddress?: string | null;
  isdisabled: boolean;
  /** 0 = read-write, 4 = non-interactive (application users). */
  accessmode?: number;
  /** Custom columns such as new_outreachuserid. */
  [column: string]: unknown;
}

export interface LoggedRequest {
  /** Server clock (epoch ms) when the request arrived. */
  at: number;
  method: string;
  path: string;
  status: number;
  /** Operations in a $batch. */
  operations?: number;
  prefer?: string;
}

/**
 * A fault chosen per data request by a test: an error answer (optionally with headers, e.g.
 * Retry-After), a connection dropped before or after the work is done, the work done and the
 * answer sent too late, the work held back (nothing done while the client waits; nothing at all
 * if it hangs up), or every token expiring now (the request gets the 401 that follows).
 */
export type NetworkFault =
  | { kind: 'status'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'throttle'; retryAfterSeconds: number }
  | { kind: 'reset-before' }
  | { kind: 'reset-after' }
  | { kind: 'delay-after'; ms: number }
  | { kind: 'delay-before'; ms: number }
  | { kind: 'expire-tokens' };

/** One column write that took effect: which systemuser, which column, before and after. */
export interface ColumnChange {
  id: string;
  column: string;
  before: unknown;
  after: unknown;
}

export interface FakeDataverseOptions {
  tenant?: string;
  clientId?: string;
  clientSecret?: string;
  /** Custom columns that exist on systemuser (others are unknown properties). */
  customColumns?: string[];
  /** Page size when the client sends no maxpagesize preference (Dataverse: 5,000). */
  defaultPageSize?: number;
  /** Each data request waits this long before it is answered (so concurrency shows). */
  latencyMs?: number;
}

const MAX_PAGE_SIZE = 5000;
const MAX_BATCH_OPERATIONS = 1000;
const API_PREFIX = '/api/data/v9.2';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const dvError = (code: string, message: string) => ({ error: { code, message } });

interface Answer {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

interface BatchOperation {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export class FakeDataverse {
  readonly users = new Map<string, FakeSystemUser>();
  readonly log: LoggedRequest[] = [];
  /** Access tokens currently accepted. */
  readonly tokens = new Set<string>();
  /** Every token the token endpoint handed out, in order. */
  readonly issuedTokens: string[] = [];
  readonly tokenRequests: { at: number; ok: boolean; scope?: string }[] = [];
  /** Every column write that took effect, in order: the write history tests check. */
  readonly columnChanges: ColumnChange[] = [];
  /**
   * Per-operation write failures by systemuserid: how many more writes of that row fail, and how.
   * `headers` go into the operation's own answer (inside a $batch: its application/http part), e.g.
   * a 429 with Retry-After, which also opens a window in which requests count as early.
   */
  readonly writeFailures = new Map<string, { status: number; code: string; message: string; times: number; headers?: Record<string, string> }>();
  /** Called for every authenticated data request; may return a fault. */
  faultHook: ((method: string, path: string) => NetworkFault | undefined) | undefined;
  /** Requests on the data API answered or being answered right now, and the most ever at once. */
  inFlight = 0;
  maxInFlight = 0;
  /** Data requests that arrived while a Retry-After window was still open. */
  readonly earlyRequests: LoggedRequest[] = [];
  url = '';
  readonly tenant: string;
  readonly clientId: string;
  clientSecret: string;
  readonly customColumns: Set<string>;
  readonly defaultPageSize: number;
  latencyMs: number;
  private throttledUntil = 0;
  /** A Retry-After told in one operation's answer (a row of a $batch): when, and until when. */
  private rowRetryAfter = { toldAt: 0, until: 0 };
  /** When the current Retry-After window was first announced in a 429. */
  private throttleToldAt = 0;
  private cursors = new Map<string, { rows: Record<string, unknown>[]; select: string }>();
  private server = createServer({ maxHeaderSize: 65_536 }, (req, res) => void this.handle(req, res));

  constructor(options: FakeDataverseOptions = {}) {
    this.tenant = options.tenant ?? '72f988bf-86f1-41af-91ab-2d7cd011db47';
    this.clientId = options.clientId ?? '51f81489-12ee-4a9e-aaae-a2591f45987d';
    this.clientSecret = options.clientSecret ?? 'dv~Secret.FakeValue_0123456789';
    this.customColumns = new Set(options.customColumns ?? ['new_outreachuserid']);
    this.defaultPageSize = options.defaultPageSize ?? MAX_PAGE_SIZE;
    this.latencyMs = options.latencyMs ?? 0;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  addUser(user: FakeSystemUser): void {
    this.users.set(user.systemuserid.toLowerCase(), { accessmode: 0, ...user, systemuserid: user.systemuserid.toLowerCase() });
  }

  /** Every access token handed out so far stops working (what an expiry looks like to a client). */
  expireTokens(): void {
    this.tokens.clear();
  }

  /** The next data requests get 429 until `seconds` have passed. */
  throttle(seconds: number): void {
    const until = Date.now() + seconds * 1000;
    if (until > this.throttledUntil) {
      if (this.throttledUntil < Date.now()) this.throttleToldAt = 0; // a new window, not yet announced
      this.throttledUntil = until;
    }
  }

  /** Requests to the data API (not the token endpoint): what the org's limits count. */
  dataRequests(filter?: { method?: string; pathIncludes?: string }): LoggedRequest[] {
    return this.log.filter((r) => r.path.startsWith('/api/data/') && (!filter?.method || r.method === filter.method) && (!filter?.pathIncludes || r.path.includes(filter.pathIncludes)));
  }

  /** The environment mapsync needs to reach this org. */
  env(): Record<string, string> {
    return {
      DYNAMICS_URL: this.url,
      DYNAMICS_TENANT_ID: this.tenant,
      DYNAMICS_CLIENT_ID: this.clientId,
      DYNAMICS_CLIENT_SECRET: this.clientSecret,
      DYNAMICS_AUTHORITY_HOST: this.url,
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const method = req.method ?? 'GET';
    const path = rawUrl.split('?')[0] ?? '/';
    const entry: LoggedRequest = { at: Date.now(), method, path: rawUrl, status: 0, prefer: header(req, 'prefer') };
    this.log.push(entry);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (method === 'POST' && path === `/${this.tenant}/oauth2/v2.0/token`) return this.reply(res, entry, this.token(text));
    if (method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(path)) {
      return this.reply(res, entry, entraError(400, 'invalid_request', 90002, `Tenant '${path.split('/')[1]}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`));
    }
    if (!path.startsWith('/api/data/')) return this.reply(res, entry, { status: 404, headers: {}, body: 'Not Found' });

    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      // Sent after the client was told to wait (allowing for requests already on their way).
      const early = (told: number, until: number) => told > 0 && entry.at > told + 50 && entry.at < until;
      if (early(this.throttleToldAt, this.throttledUntil) || early(this.rowRetryAfter.toldAt, this.rowRetryAfter.until)) this.earlyRequests.push(entry);
      if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      const auth = header(req, 'authorization') ?? '';
      const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
      if (!this.tokens.has(token)) return this.reply(res, entry, unauthorized(this.url));
      const fault = this.faultHook?.(method, rawUrl);
      if (fault?.kind === 'reset-before') {
        entry.status = -1;
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'status') return this.reply(res, entry, { status: fault.status, headers: fault.headers ?? {}, body: fault.body });
      if (fault?.kind === 'throttle') this.throttle(fault.retryAfterSeconds);
      if (fault?.kind === 'expire-tokens') {
        this.expireTokens();
        return this.reply(res, entry, unauthorized(this.url));
      }
      if (fault?.kind === 'delay-before') {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, fault.ms);
          req.socket.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
        });
        if (res.destroyed || req.socket.destroyed) return;
      }
      const now = Date.now();
      if (now < this.throttledUntil) {
        const seconds = Math.max(1, Math.ceil((this.throttledUntil - now) / 1000));
        if (this.throttleToldAt === 0) this.throttleToldAt = now;
        return this.reply(res, entry, {
          status: 429,
          headers: { 'Retry-After': String(seconds) },
          body: dvError('0x80072322', 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.'),
        });
      }
      if (!path.startsWith(`${API_PREFIX}/`)) return this.reply(res, entry, { status: 404, headers: {}, body: dvError('0x80060888', `Resource not found for the segment '${path}'.`) });
      const resource = path.slice(API_PREFIX.length + 1);
      let answer: Answer;
      if (resource === '$batch' && method === 'POST') answer = this.batch(header(req, 'content-type') ?? '', header(req, 'prefer') ?? '', text, entry);
      else answer = this.operation(method, rawUrl, { prefer: header(req, 'prefer') ?? '', 'if-match': header(req, 'if-match') ?? '' }, text);
      const late = fault?.kind === 'delay-after' ? fault.ms : 0;
      if (fault?.kind === 'reset-after') {
        entry.status = -1;
        req.socket.destroy();
        return;
      }
      if (late > 0) {
        await new Promise((resolve) => setTimeout(resolve, late));
        if (res.destroyed || res.socket?.destroyed) return;
      }
      return this.reply(res, entry, answer);
    } catch (err) {
      return this.reply(res, entry, { status: 500, headers: {}, body: dvError('0x80040216', `fake server error: ${(err as Error).message}`) });
    } finally {
      this.inFlight -= 1;
    }
  }

  private reply(res: ServerResponse, entry: LoggedRequest, answer: Answer): void {
    entry.status = answer.status;
    if (res.destroyed) return;
    const isText = typeof answer.body === 'string';
    const headers: Record<string, string> = { 'OData-Version': '4.0', ...answer.headers };
    if (answer.body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = isText ? 'text/plain' : 'application/json; odata.metadata=minimal';
    }
    res.writeHead(answer.status, headers);
    res.end(answer.body === undefined ? '' : isText ? (answer.body as string) : JSON.stringify(answer.body));
  }

  /** POST /{tenant}/oauth2/v2.0/token, client credentials only. */
  private token(form: string): Answer {
    const params = new URLSearchParams(form);
    const record = { at: Date.now(), ok: false, scope: params.get('scope') ?? undefined };
    this.tokenRequests.push(record);
    if (params.get('grant_type') !== 'client_credentials') {
      return entraError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    }
    if (params.get('client_id') !== this.clientId) {
      return entraError(400, 'unauthorized_client', 700016, `Application with identifier '${params.get('client_id')}' was not found in the directory '${this.tenant}'.`);
    }
    if (params.get('client_secret') !== this.clientSecret) {
      return entraError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${this.clientId}'.`);
    }
    if (params.get('scope') !== `${this.url}/.default`) {
      return entraError(400, 'invalid_scope', 1002012, `The provided value for scope ${params.get('scope')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    }
    const token = `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${randomBytes(24).toString('base64url')}`;
    this.tokens.add(token);
    this.issuedTokens.push(token);
    record.ok = true;
    return { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token } };
  }

  /** One operation, on its own or inside a $batch. */
  private operation(method: string, url: string, headers: Record<string, string>, body: string): Answer {
    const parsed = new URL(url, this.url);
    const resource = parsed.pathname.startsWith(`${API_PREFIX}/`) ? parsed.pathname.slice(API_PREFIX.length + 1) : parsed.pathname;
    if (resource === 'systemusers' && method === 'GET') return this.list(parsed.searchParams, headers.prefer ?? '');
    const keyed = /^systemusers\(([^)]*)\)$/.exec(resource);
    if (keyed && method === 'PATCH') return this.update(keyed[1]!, headers['if-match'] ?? '', body);
    return { status: 405, headers: {}, body: dvError('0x80060888', `The HTTP method '${method}' is not allowed for the resource '${resource}'.`) };
  }

  private list(query: URLSearchParams, prefer: string): Answer {
    if (query.has('$skip')) return { status: 400, headers: {}, body: dvError('0x80060888', 'The query parameter $skip is not supported') };
    const token = query.get('$skiptoken');
    const pageSize = preferredPageSize(prefer) ?? this.defaultPageSize;
    const applied = preferredPageSize(prefer) === undefined ? {} : { 'Preference-Applied': `odata.maxpagesize=${pageSize}` };
    if (token !== null) {
      const cursor = this.cursors.get(token.split('.')[0] ?? '');
      if (!cursor) return { status: 400, headers: {}, body: dvError('0x80040203', 'Invalid paging cookie') };
      return { status: 200, headers: applied, body: this.page(cursor, token.split('.')[0]!, Number(token.split('.')[1]), pageSize) };
    }
    const select = (query.get('$select') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const known = new Set(['systemuserid', 'fullname', 'internalemailaddress', 'isdisabled', 'accessmode', ...this.customColumns]);
    const unknown = select.find((c) => !known.has(c));
    if (unknown) return { status: 400, headers: {}, body: dvError('0x80060888', `Could not find a property named '${unknown}' on type 'Microsoft.Dynamics.CRM.systemuser'.`) };
    const columns = select.length > 0 ? select : [...known];
    // Dataverse returns the rows in primary-key order when no $orderby is given.
    const rows = [...this.users.values()]
      .sort((a, b) => (a.systemuserid < b.systemuserid ? -1 : 1))
      .map((u) => {
        const row: Record<string, unknown> = { '@odata.etag': `W/"${1000 + this.columnChanges.length}"` };
        for (const c of columns) row[c] = u[c] ?? null;
        if (!columns.includes('systemuserid')) row.systemuserid = u.systemuserid;
        return row;
      });
    const id = randomBytes(6).toString('hex');
    const cursor = { rows, select: columns.join(',') };
    this.cursors.set(id, cursor);
    return { status: 200, headers: applied, body: this.page(cursor, id, 0, pageSize) };
  }

  private page(cursor: { rows: Record<string, unknown>[]; select: string }, id: string, offset: number, pageSize: number): unknown {
    const value = cursor.rows.slice(offset, offset + pageSize);
    const next = offset + pageSize;
    const body: Record<string, unknown> = { '@odata.context': `${this.url}${API_PREFIX}/$metadata#systemusers(${cursor.select})`, value };
    if (next < cursor.rows.length) {
      body['@odata.nextLink'] = `${this.url}${API_PREFIX}/systemusers?$select=${cursor.select}&$skiptoken=${id}.${next}`;
    }
    return body;
  }

  private update(key: string, ifMatch: string, text: string): Answer {
    if (!GUID.test(key)) return { status: 400, headers: {}, body: dvError('0x80060888', `Bad Request - Error in query syntax: '${key}' is not a valid key.`) };
    const id = key.toLowerCase();
    const user = this.users.get(id);
    // With If-Match: * a PATCH never creates a row (no upsert); without it, Dataverse would try to.
    if (!user) {
      return { status: 404, headers: {}, body: dvError('0x80040217', `systemuser With Id = ${id} Does Not Exist`) };
    }
    void ifMatch;
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return { status: 400, headers: {}, body: dvError('0x80048d19', 'Error identified in Payload provided by the user for Entity :systemusers') };
    }
    for (const [column, value] of Object.entries(data)) {
      if (!this.customColumns.has(column)) {
        return { status: 400, headers: {}, body: dvError('0x80060888', `The property '${column}' does not exist on type 'Microsoft.Dynamics.CRM.systemuser'. Make sure to only use property names that are defined by the type.`) };
      }
      if (value !== null && !Number.isInteger(value)) {
        return { status: 400, headers: {}, body: dvError('0x80048d19', `Cannot convert the literal '${String(value)}' to the expected type 'Edm.Int32'.`) };
      }
    }
    const failure = this.writeFailures.get(id);
    if (failure && failure.times > 0) {
      failure.times -= 1;
      const retryAfter = Number(failure.headers?.['Retry-After']);
      if (failure.status === 429 && retryAfter > 0) this.rowRetryAfter = { toldAt: Date.now(), until: Date.now() + retryAfter * 1000 };
      return { status: failure.status, headers: failure.headers ?? {}, body: dvError(failure.code, failure.message) };
    }
    for (const [column, value] of Object.entries(data)) {
      const before = user[column] ?? null;
      if (before !== value) this.columnChanges.push({ id, column, before, after: value });
      user[column] = value;
    }
    return { status: 204, headers: { 'OData-EntityId': `${this.url}${API_PREFIX}/systemusers(${id})` } };
  }

  private batch(contentType: string, prefer: string, text: string, entry: LoggedRequest): Answer {
    const boundary = boundaryOf(contentType);
    if (!contentType.toLowerCase().startsWith('multipart/mixed') || !boundary) {
      return { status: 400, headers: {}, body: dvError('0x80048d19', 'The batch request must have a "Content-Type" header of multipart/mixed with a boundary.') };
    }
    const continueOnError = /odata\.continue-on-error/i.test(prefer);
    const parts = splitMultipart(text, boundary);
    const count = parts.reduce((n, p) => n + (boundaryOf(p.headers['content-type'] ?? '') ? splitMultipart(p.body, boundaryOf(p.headers['content-type']!)!).length : 1), 0);
    entry.operations = count;
    if (count > MAX_BATCH_OPERATIONS) {
      return { status: 400, headers: {}, body: dvError('0x8005f103', `The number of requests in batch exceeds the limit ${MAX_BATCH_OPERATIONS}.`) };
    }
    const responseBoundary = `batchresponse_${randomUUID()}`;
    const out: string[] = [];
    for (const part of parts) {
      const inner = boundaryOf(part.headers['content-type'] ?? '');
      if (inner) {
        // A change set: all or nothing; a failure rolls the set back and is its only answer.
        const undo = this.columnChanges.length;
        const answers: { contentId?: string; answer: Answer }[] = [];
        let failed: { contentId?: string; answer: Answer } | undefined;
        for (const op of splitMultipart(part.body, inner)) {
          const request = parseHttpPart(op.body);
          const answer = this.operation(request.method, request.url, request.headers, request.body);
          const item = { contentId: op.headers['content-id'], answer };
          if (answer.status >= 400) {
            failed = item;
            break;
          }
          answers.push(item);
        }
        if (failed) {
          this.rollback(undo);
          out.push(`--${responseBoundary}\r\n${httpPart(failed.answer, failed.contentId)}`);
          if (!continueOnError) break;
          continue;
        }
        const setBoundary = `changesetresponse_${randomUUID()}`;
        out.push(`--${responseBoundary}\r\nContent-Type: multipart/mixed; boundary=${setBoundary}\r\n\r\n${answers.map((a) => `--${setBoundary}\r\n${httpPart(a.answer, a.contentId)}`).join('')}--${setBoundary}--\r\n`);
        continue;
      }
      const request = parseHttpPart(part.body);
      const answer = this.operation(request.method, request.url, request.headers, request.body);
      out.push(`--${responseBoundary}\r\n${httpPart(answer)}`);
      // Outside a change set, a failure stops the batch unless the client asked to go on.
      if (answer.status >= 400 && !continueOnError) break;
    }
    out.push(`--${responseBoundary}--\r\n`);
    return {
      status: 200,
      headers: { 'Content-Type': `multipart/mixed; boundary=${responseBoundary}`, ...(continueOnError ? { 'Preference-Applied': 'odata.continue-on-error' } : {}) },
      body: out.join(''),
    };
  }

  private rollback(to: number): void {
    while (this.columnChanges.length > to) {
      const change = this.columnChanges.pop()!;
      const user = this.users.get(change.id);
      if (user) user[change.column] = change.before;
    }
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function preferredPageSize(prefer: string): number | undefined {
  const m = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(prefer);
  return m ? Math.min(MAX_PAGE_SIZE, Math.max(1, Number(m[1]))) : undefined;
}

function boundaryOf(contentType: string): string | undefined {
  const m = /boundary\s*=\s*"?([^";]+)"?/i.exec(contentType);
  return m?.[1]?.trim();
}

/** The parts between --boundary lines, each with its MIME headers (lower-case names) and body. */
function splitMultipart(text: string, boundary: string): { headers: Record<string, string>; body: string }[] {
  const parts: { headers: Record<string, string>; body: string }[] = [];
  const segments = text.split(new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  for (const segment of segments.slice(1)) {
    if (segment.startsWith('--')) break;
    const body = segment.replace(/^\r?\n/, '');
    const split = /\r?\n\r?\n/.exec(body);
    const head = split ? body.slice(0, split.index) : body;
    const rest = split ? body.slice(split.index + split[0].length) : '';
    const headers: Record<string, string> = {};
    for (const line of head.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: rest });
  }
  return parts;
}

/** An application/http part's body: request line, headers, blank line, body. */
function parseHttpPart(text: string): BatchOperation {
  const lines = text.split(/\r?\n/);
  const [method = '', url = ''] = (lines.shift() ?? '').split(' ');
  const headers: Record<string, string> = {};
  while (lines.length > 0 && lines[0] !== '') {
    const line = lines.shift()!;
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  lines.shift();
  return { method, url, headers, body: lines.join('\n').trim() };
}

const REASONS: Record<number, string> = { 200: 'OK', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 405: 'Method Not Allowed', 412: 'Precondition Failed', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' };

function httpPart(answer: Answer, contentId?: string): string {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (contentId) lines.push(`Content-ID: ${contentId}`);
  lines.push('', `HTTP/1.1 ${answer.status} ${REASONS[answer.status] ?? 'Error'}`);
  for (const [k, v] of Object.entries(answer.headers)) lines.push(`${k}: ${v}`);
  if (answer.body !== undefined) lines.push('Content-Type: application/json; odata.metadata=minimal; odata.streaming=true', 'OData-Version: 4.0', '', JSON.stringify(answer.body), '');
  else lines.push('OData-Version: 4.0', '', '');
  return lines.join('\r\n');
}

function unauthorized(url: string): Answer {
  return { status: 401, headers: { 'WWW-Authenticate': `Bearer authorization_uri=${url}/common/oauth2/authorize, resource_id=${url}/` } };
}

function entraError(status: number, error: string, code: number, description: string): Answer {
  const traceId = randomUUID();
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString().replace('T', ' ').slice(0, 19)}Z`,
      error_codes: [code],
      timestamp: new Date().toISOString(),
      trace_id: traceId,
      correlation_id: randomUUID(),
    },
  };
}

/** A systemuserid GUID for test user number `n` (lower case, the canonical form). */
export function systemUserId(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `5f2c${(n % 65536).toString(16).padStart(4, '0')}-9a1b-4c3d-8e7f-${hex}`;
}

export async function startFakeDataverse(options: FakeDataverseOptions = {}): Promise<FakeDataverse> {
  return new FakeDataverse(options).start();
}
