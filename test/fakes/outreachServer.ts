// A fake Outreach REST API v2 (JSON:API 1.0) on 127.0.0.1, reproducing the documented
// behaviour mapsync depends on: the media type (415 without it), bearer tokens that expire
// (401) and an OAuth token endpoint, cursor pagination through links.next with page[size] up
// to 1,000, sparse fieldsets, X-RateLimit-* headers with a request quota, 429 + Retry-After,
// 422 on read-only attributes, and injected 5xx. Every request is logged with the server's
// own clock so tests can prove ordering without timing the test itself.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const JSON_API = 'application/vnd.api+json';

export interface FakeUser {
  id: number;
  firstName?: string;
  lastName?: string;
  email?: string;
  locked?: boolean;
  [custom: string]: unknown;
}

export interface LoggedRequest {
  /** Server clock (epoch ms) when the request arrived. */
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** Arrived while a Retry-After window was open, or with the quota exhausted. */
  early: boolean;
  authorization?: string;
  body?: unknown;
}

export interface Fault {
  method?: string;
  /** Path prefix, e.g. "/users/7". */
  path?: string;
  status: number;
  /** How many matching requests get this answer (default 1). */
  times?: number;
  /** For 429 / 503: seconds in the Retry-After header; opens a window the server enforces. */
  retryAfter?: number;
  /** Only requests from this many on (1-based count of API requests) match. */
  fromRequest?: number;
}

/**
 * A fault chosen per API request by a test (the fault-injection suite): an error answer (a
 * `Fault`, applied to this request only), a connection dropped before or after the work is
 * done, or the work done and the answer sent too late.
 */
export type NetworkFault =
  | { kind: 'status'; fault: Omit<Fault, 'times' | 'fromRequest' | 'method' | 'path'> }
  | { kind: 'reset-before' }
  | { kind: 'reset-after' }
  | { kind: 'delay-after'; ms: number };

/** One attribute write that took effect: which user, which attribute, before and after. */
export interface AttributeChange {
  id: number;
  attribute: string;
  before: unknown;
  after: unknown;
}

export interface FakeOutreachOptions {
  users?: FakeUser[];
  /** Access tokens accepted from the start. */
  tokens?: string[];
  /** OAuth client for the token endpoint. */
  client?: { id: string; secret: string; refreshToken: string };
  /** Request quota per window, reported in X-RateLimit-* (default 10,000 an hour). */
  quota?: { limit: number; windowMs: number };
  /**
   * Report several rate-limit windows in X-RateLimit-Remaining, comma-separated, as Outreach
   * sometimes does: a roomier window first, then the real quota (so the first number misleads).
   */
  severalWindows?: boolean;
  /** API path prefix (default /api/v2). */
  basePath?: string;
  /** Maximum page[size] (default 1,000). */
  maxPageSize?: number;
  /** Origin written into links.next (default this server), to test that clients stay on the API host. */
  linkOrigin?: string;
}

const READ_ONLY = new Set(['email', 'name', 'locked', 'createdAt', 'updatedAt']);
const CUSTOM_MAX = 225;

export class FakeOutreach {
  readonly users = new Map<number, FakeUser>();
  readonly log: LoggedRequest[] = [];
  readonly tokenRequests: { at: number; form: Record<string, string> }[] = [];
  readonly validTokens: Set<string>;
  /** Set to a number to expire every current token once this many API requests have arrived. */
  expireTokensAfter: number | undefined;
  faults: Fault[] = [];
  /** Called for every API request (not the token endpoint); may return a fault for it. */
  faultHook: ((method: string, path: string) => NetworkFault | undefined) | undefined;
  /** Every attribute write that took effect, in order: the write history tests check. */
  readonly attributeChanges: AttributeChange[] = [];
  private pendingFault: Fault | undefined;
  url = '';
  apiUrl = '';
  tokenUrl = '';
  private server: Server | undefined;
  private blockedUntil = 0;
  private quotaUsed = 0;
  private quotaResetAt = 0;
  private issued = 0;
  private refreshToken: string | undefined;
  private readonly basePath: string;
  private readonly maxPageSize: number;

  constructor(private readonly options: FakeOutreachOptions = {}) {
    for (const user of options.users ?? []) this.users.set(user.id, { ...user });
    this.validTokens = new Set(options.tokens ?? []);
    this.refreshToken = options.client?.refreshToken;
    this.basePath = options.basePath ?? '/api/v2';
    this.maxPageSize = options.maxPageSize ?? 1000;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        res.writeHead(500).end(String(err));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    this.apiUrl = `${this.url}${this.basePath}`;
    this.tokenUrl = `${this.url}/oauth/token`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  /** API requests only (not the token endpoint). */
  get apiRequests(): LoggedRequest[] {
    return this.log;
  }

  /** Every token value the server ever issued or accepted: for scanning output. */
  get allTokens(): string[] {
    return [...this.validTokens, ...this.retiredTokens, ...(this.refreshToken ? [this.refreshToken] : []), ...this.retiredRefresh];
  }

  private readonly retiredTokens: string[] = [];
  private readonly retiredRefresh: string[] = [];

  /** The one refresh token the token endpoint accepts now (each refresh rotates it). */
  get currentRefreshToken(): string | undefined {
    return this.refreshToken;
  }

  /** Refresh tokens that were replaced and are refused from now on. */
  get retiredRefreshTokens(): string[] {
    return [...this.retiredRefresh];
  }

  expireAllTokens(): void {
    for (const t of this.validTokens) this.retiredTokens.push(t);
    this.validTokens.clear();
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): number {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': JSON_API, ...headers });
    res.end(text);
    return status;
  }

  private error(res: ServerResponse, status: number, id: string, title: string, detail: string, headers: Record<string, string> = {}): number {
    return this.send(res, status, { errors: [{ id, title, detail }] }, headers);
  }

  private async readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const url = new URL(req.url ?? '/', this.url);
    const raw = await this.readBody(req);
    if (url.pathname === '/oauth/token') {
      this.tokenEndpoint(req, res, raw, at);
      return;
    }
    const query = Object.fromEntries(url.searchParams.entries());
    const entry: LoggedRequest = { at, method: req.method ?? 'GET', path: url.pathname.slice(this.basePath.length), query, status: 0, early: false, authorization: req.headers.authorization };
    this.log.push(entry);
    const fault = this.faultHook?.(entry.method, entry.path);
    if (fault?.kind === 'reset-before') {
      entry.status = -1;
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') this.pendingFault = { ...fault.fault, times: 1 };
    if (fault?.kind === 'reset-after' || fault?.kind === 'delay-after') holdAnswer(req, res, fault);
    try {
      entry.status = this.api(req, res, url, raw, entry);
    } finally {
      this.pendingFault = undefined;
    }
    if (fault?.kind === 'reset-after') entry.status = -1;
  }

  private tokenEndpoint(req: IncomingMessage, res: ServerResponse, raw: string, at: number): void {
    const type = req.headers['content-type'] ?? '';
    const form = type.includes('json') ? (JSON.parse(raw || '{}') as Record<string, string>) : Object.fromEntries(new URLSearchParams(raw).entries());
    this.tokenRequests.push({ at, form });
    const client = this.options.client;
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST') return json(405, { error: 'invalid_request' });
    if (!client || form.client_id !== client.id || form.client_secret !== client.secret) return json(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    if (form.grant_type !== 'refresh_token' || !this.refreshToken || form.refresh_token !== this.refreshToken) {
      return json(400, { error: 'invalid_grant', error_description: 'The provided authorization grant is invalid, expired, revoked' });
    }
    this.issued += 1;
    const access = `fake-access-${this.issued}-${Math.random().toString(36).slice(2, 12)}`;
    const refresh = `fake-refresh-${this.issued}-${Math.random().toString(36).slice(2, 12)}`;
    this.retiredRefresh.push(this.refreshToken);
    this.refreshToken = refresh; // Outreach rotates refresh tokens
    this.validTokens.add(access);
    json(200, { access_token: access, token_type: 'bearer', expires_in: 7200, refresh_token: refresh, scope: 'users.all', created_at: Math.floor(at / 1000) });
  }

  private quotaHeaders(now: number): Record<string, string> {
    const quota = this.options.quota ?? { limit: 10_000, windowMs: 3_600_000 };
    return {
      'X-RateLimit-Limit': String(quota.limit),
      'X-RateLimit-Remaining': this.options.severalWindows
        ? `${Math.max(0, quota.limit - this.quotaUsed) + 10_000}, ${Math.max(0, quota.limit - this.quotaUsed)}`
        : String(Math.max(0, quota.limit - this.quotaUsed)),
      'X-RateLimit-Reset': String(Math.ceil(this.quotaResetAt / 1000)),
    };
  }

  private api(req: IncomingMessage, res: ServerResponse, url: URL, raw: string, entry: LoggedRequest): number {
    const now = entry.at;
    const quota = this.options.quota ?? { limit: 10_000, windowMs: 3_600_000 };
    // Windows end on whole seconds, because X-RateLimit-Reset is in epoch seconds.
    if (now >= this.quotaResetAt) {
      this.quotaUsed = 0;
      this.quotaResetAt = Math.ceil((now + quota.windowMs) / 1000) * 1000;
    }
    if (now < this.blockedUntil) {
      entry.early = true;
      const wait = Math.max(1, Math.ceil((this.blockedUntil - now) / 1000));
      return this.error(res, 429, 'rateLimitExceeded', 'Rate Limit Exceeded', 'Too many requests; retry later', { ...this.quotaHeaders(now), 'Retry-After': String(wait) });
    }
    if (this.quotaUsed >= quota.limit) {
      entry.early = true;
      const wait = Math.max(1, Math.ceil((this.quotaResetAt - now) / 1000));
      return this.error(res, 429, 'rateLimitExceeded', 'Rate Limit Exceeded', 'You have exceeded your permitted rate limit of 10,000 per hour', { ...this.quotaHeaders(now), 'Retry-After': String(wait) });
    }
    this.quotaUsed += 1;
    const headers = this.quotaHeaders(now);

    if (req.headers['content-type']?.split(';')[0]?.trim() !== JSON_API) {
      return this.error(res, 415, 'unsupportedMediaType', 'Unsupported Media Type', `Requests must use Content-Type: ${JSON_API}`, headers);
    }
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!this.validTokens.has(token)) {
      return this.error(res, 401, 'unauthorized', 'Unauthorized', 'The access token is invalid or has expired', headers);
    }
    if (this.expireTokensAfter !== undefined && this.log.length > this.expireTokensAfter) {
      this.expireTokensAfter = undefined;
      this.expireAllTokens();
      return this.error(res, 401, 'unauthorized', 'Unauthorized', 'The access token is invalid or has expired', headers);
    }
    const fault = this.pendingFault ?? this.faults.find((f) => (f.times ?? 1) > 0 && (!f.method || f.method === req.method) && (!f.path || entry.path.startsWith(f.path)) && (f.fromRequest === undefined || this.log.length >= f.fromRequest));
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      const extra: Record<string, string> = { ...headers };
      if (fault.retryAfter !== undefined) {
        extra['Retry-After'] = String(fault.retryAfter);
        this.blockedUntil = Math.max(this.blockedUntil, now + fault.retryAfter * 1000);
      }
      const title = fault.status === 429 ? 'Rate Limit Exceeded' : fault.status >= 500 ? 'Internal Server Error' : 'Error';
      return this.error(res, fault.status, fault.status === 429 ? 'rateLimitExceeded' : 'serverError', title, `injected ${fault.status}`, extra);
    }

    const userPath = /^\/users\/(\d+)$/.exec(entry.path);
    if (req.method === 'GET' && entry.path === '/users') return this.listUsers(res, url, headers);
    if (req.method === 'GET' && userPath) {
      const user = this.users.get(Number(userPath[1]));
      if (!user) return this.error(res, 404, 'resourceNotFound', 'Resource Not Found', `Could not find 'user' with ID '${userPath[1]}'.`, headers);
      return this.send(res, 200, { data: this.resource(user, undefined) }, headers);
    }
    if (req.method === 'PATCH' && userPath) return this.patchUser(res, Number(userPath[1]), raw, entry, headers);
    return this.error(res, 404, 'resourceNotFound', 'Resource Not Found', `No route for ${req.method} ${entry.path}`, headers);
  }

  private resource(user: FakeUser, fields: string[] | undefined): unknown {
    const attributes: Record<string, unknown> = {};
    const all = { firstName: null, lastName: null, email: null, locked: false, name: null, custom1: null, custom2: null, custom3: null, custom4: null, custom5: null, ...user };
    const name = [user.firstName, user.lastName].filter(Boolean).join(' ') || null;
    for (const [key, value] of Object.entries({ ...all, name })) {
      if (key === 'id') continue;
      if (!fields || fields.includes(key)) attributes[key] = value;
    }
    return { type: 'user', id: user.id, attributes, links: { self: `${this.apiUrl}/users/${user.id}` } };
  }

  private listUsers(res: ServerResponse, url: URL, headers: Record<string, string>): number {
    const sizeParam = url.searchParams.get('page[size]');
    const size = sizeParam === null ? 50 : Number(sizeParam);
    if (!Number.isInteger(size) || size < 1 || size > this.maxPageSize) {
      return this.error(res, 400, 'validationError', 'Validation Error', `page[size] must be between 1 and ${this.maxPageSize}`, headers);
    }
    const fieldsParam = url.searchParams.get('fields[user]');
    const fields = fieldsParam === null ? undefined : fieldsParam.split(',').filter(Boolean);
    const after = url.searchParams.get('page[after]');
    const afterId = after ? Number(Buffer.from(after, 'base64url').toString('utf8')) : 0;
    const sorted = [...this.users.values()].sort((a, b) => a.id - b.id).filter((u) => u.id > afterId);
    const page = sorted.slice(0, size);
    const body: { data: unknown[]; links: Record<string, string>; meta: unknown } = { data: page.map((u) => this.resource(u, fields)), links: {}, meta: { count: this.users.size } };
    if (sorted.length > size) {
      const next = new URL(url.href);
      next.searchParams.set('page[after]', Buffer.from(String(page[page.length - 1]!.id)).toString('base64url'));
      body.links.next = `${this.options.linkOrigin ?? this.url}${next.pathname}${next.search}`;
    }
    return this.send(res, 200, body, headers);
  }

  private patchUser(res: ServerResponse, id: number, raw: string, entry: LoggedRequest, headers: Record<string, string>): number {
    let body: { data?: { type?: unknown; id?: unknown; attributes?: Record<string, unknown> } };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return this.error(res, 400, 'badRequest', 'Bad Request', 'The request body is not valid JSON', headers);
    }
    entry.body = body;
    const user = this.users.get(id);
    if (!user) return this.error(res, 404, 'resourceNotFound', 'Resource Not Found', `Could not find 'user' with ID '${id}'.`, headers);
    if (body.data?.type !== 'user' || Number(body.data.id) !== id) {
      return this.error(res, 409, 'conflict', 'Conflict', 'The resource type and id in the body must match the URL', headers);
    }
    const attributes = body.data.attributes ?? {};
    for (const [key, value] of Object.entries(attributes)) {
      if (READ_ONLY.has(key)) return this.error(res, 422, 'validationError', 'Validation Error', `${key} is read-only`, headers);
      if (!/^custom\d+$/.test(key) && key !== 'firstName' && key !== 'lastName') return this.error(res, 422, 'validationError', 'Validation Error', `unknown attribute ${key}`, headers);
      if (value !== null && (typeof value !== 'string' || value.length > CUSTOM_MAX)) {
        return this.error(res, 422, 'validationError', 'Validation Error', `${key} must be a string of at most ${CUSTOM_MAX} characters`, headers);
      }
    }
    for (const [key, value] of Object.entries(attributes)) {
      if (user[key] !== value && !(user[key] === undefined && value === null)) this.attributeChanges.push({ id, attribute: key, before: user[key] ?? null, after: value });
      user[key] = value;
    }
    return this.send(res, 200, { data: this.resource(user, undefined) }, headers);
  }
}

/** Lets the request be handled, then drops the connection instead of answering, or answers late. */
function holdAnswer(req: IncomingMessage, res: ServerResponse, fault: { kind: 'reset-after' } | { kind: 'delay-after'; ms: number }): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  let head: unknown[] = [];
  res.writeHead = ((...args: unknown[]) => {
    head = args;
    return res;
  }) as typeof res.writeHead;
  res.end = ((...args: unknown[]) => {
    if (fault.kind === 'reset-after') req.socket.destroy();
    else {
      setTimeout(() => {
        if (res.destroyed || res.socket?.destroyed) return;
        writeHead(...head);
        end(...args);
      }, fault.ms);
    }
    return res;
  }) as typeof res.end;
}

export async function startFakeOutreach(options: FakeOutreachOptions = {}): Promise<FakeOutreach> {
  return new FakeOutreach(options).start();
}
