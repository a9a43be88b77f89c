// A fake Salesforce org over real HTTP on 127.0.0.1, reproducing the documented REST shapes that
// mapsync relies on (see PLATFORM-FACTS "Salesforce"): SOQL query batches of 2,000 with
// nextRecordsUrl, `attributes` on records, the 16,384-byte URI limit (414), sObject Collections
// retrieve (≤ 2,000 IDs, null for unknown) and update (≤ 200 records, each ID once, per-record
// results in order), /limits, error bodies [{"message","errorCode"}], the SOAP login, and the OAuth token endpoint (salesforceOAuth.ts).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { FakeSalesforceOAuth, type FakeOAuthOptions } from './salesforceOAuth.js';

export interface FakeUser {
  Id: string;
  Name: string;
  Email?: string;
  IsActive: boolean;
  /** Custom fields such as Outreach_User_Id__c. */
  [field: string]: unknown;
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  /** Records in a composite write, IDs in a composite retrieve. */
  count?: number;
  ids?: string[];
}

export interface Injection {
  /** Which requests it hits. */
  match: (method: string, path: string) => boolean;
  status: number;
  body: unknown;
  /** How many matching requests it answers; afterwards requests pass through. */
  times: number;
  /** Waits this long before answering (to make a client time out). */
  delayMs?: number;
}

/**
 * A fault chosen per request by a test (the fault-injection suite): answer with an error and do
 * nothing, drop the connection before or after doing the work, or do the work and answer too late.
 */
export type NetworkFault =
  | { kind: 'status'; status: number; body: unknown }
  | { kind: 'reset-before' }
  | { kind: 'reset-after' }
  | { kind: 'delay-after'; ms: number };

/** One record write that took effect: which User, which field, the value before and after. */
export interface FieldChange {
  id: string;
  field: string;
  before: unknown;
  after: unknown;
}

export interface FakeSalesforceOptions {
  apiVersion?: string;
  /** Access tokens accepted from the start. */
  tokens?: string[];
  /** For the SOAP login. */
  username?: string;
  /** Password with the security token appended, as Salesforce expects it. */
  password?: string;
  /** Custom fields that exist on User (others are INVALID_FIELD). */
  customFields?: string[];
  batchSize?: number;
  daily?: { max: number; remaining: number };
  /** A connected app: enables the OAuth token endpoint (JWT bearer, client credentials). */
  oauth?: FakeOAuthOptions;
}

const MAX_URI_BYTES = 16_384;
const sfError = (message: string, errorCode: string) => [{ message, errorCode }];

export class FakeSalesforce {
  readonly users = new Map<string, FakeUser>();
  readonly log: LoggedRequest[] = [];
  readonly tokens: Set<string>;
  readonly injections: Injection[] = [];
  /** Per-record write failures by User ID: how many more writes of that User fail, and how. */
  readonly writeFailures = new Map<string, { statusCode: string; message: string; times: number }>();
  /** Called for every authenticated data request (not login, not /limits); may return a fault. */
  faultHook: ((method: string, path: string) => NetworkFault | undefined) | undefined;
  /** Every record write that took effect, in order: the write history tests check. */
  readonly fieldChanges: FieldChange[] = [];
  /** When set, every data request gets 403 REQUEST_LIMIT_EXCEEDED (except /limits). */
  limitExceeded = false;
  daily: { max: number; remaining: number };
  /** Session ids handed out by the SOAP login. */
  readonly issuedSessions: string[] = [];
  url = '';
  private cursors = new Map<string, { records: Record<string, unknown>[]; offset: number }>();
  // A larger header limit than Node's default, so the 16,384-byte URI rule is what answers.
  private server = createServer({ maxHeaderSize: 65_536 }, (req, res) => void this.handle(req, res));
  readonly apiVersion: string;
  readonly customFields: Set<string>;
  readonly batchSize: number;
  /** The SOAP login's credentials; change `password` to simulate a password reset. */
  username: string | undefined;
  password: string | undefined;
  /** The OAuth token endpoint, when the org has a connected app (options.oauth). */
  readonly oauth: FakeSalesforceOAuth | undefined;

  constructor(options: FakeSalesforceOptions = {}) {
    this.apiVersion = options.apiVersion ?? '62.0';
    this.username = options.username;
    this.password = options.password;
    this.tokens = new Set(options.tokens ?? []);
    this.customFields = new Set(options.customFields ?? ['Outreach_User_Id__c']);
    this.batchSize = options.batchSize ?? 2000;
    this.daily = options.daily ?? { max: 15000, remaining: 14000 };
    this.oauth = options.oauth && new FakeSalesforceOAuth(options.oauth, (token) => this.tokens.add(token), () => this.url);
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

  addUser(user: FakeUser): void {
    this.users.set(user.Id, user);
  }

  inject(injection: Omit<Injection, 'times'> & { times?: number }): void {
    this.injections.push({ times: 1, ...injection });
  }

  /** Requests to the data API, minus login and /limits: what an org's API budget counts. */
  dataRequests(filter?: { method?: string; pathIncludes?: string }): LoggedRequest[] {
    return this.log.filter((r) => r.path.startsWith('/services/data/') && (!filter?.method || r.method === filter.method) && (!filter?.pathIncludes || r.path.includes(filter.pathIncludes)));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const method = req.method ?? 'GET';
    const path = rawUrl.split('?')[0] ?? '/';
    const entry: LoggedRequest = { method, path: rawUrl, status: 0 };
    this.log.push(entry);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let after: NetworkFault | undefined;
    const send = (status: number, body: unknown, type = 'application/json;charset=UTF-8') => {
      if (after?.kind === 'reset-after') {
        entry.status = -1;
        req.socket.destroy();
        return;
      }
      if (after?.kind === 'delay-after') {
        const late = after;
        after = undefined;
        setTimeout(() => {
          if (!res.destroyed && !res.socket?.destroyed) send(status, body, type);
        }, late.ms);
        return;
      }
      entry.status = status;
      const usage = path.startsWith('/services/data/') ? { 'sforce-limit-info': `api-usage=${this.daily.max - this.daily.remaining}/${this.daily.max}` } : {};
      res.writeHead(status, { 'content-type': type, ...usage });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    try {
      if (Buffer.byteLength(rawUrl) > MAX_URI_BYTES) return send(414, '<html><body>414 URI Too Long</body></html>', 'text/html');
      if (method === 'POST' && path.startsWith('/services/Soap/u/')) return send(...this.soapLogin(text));
      if (method === 'POST' && path === '/services/oauth2/token') {
        return this.oauth ? send(...this.oauth.handle(req.headers['content-type'] ?? '', text)) : send(400, { error: 'invalid_client_id', error_description: 'client identifier invalid' });
      }
      const injection = this.injections.find((i) => i.times > 0 && i.match(method, rawUrl));
      if (injection) {
        injection.times -= 1;
        if (injection.delayMs) await new Promise((resolve) => setTimeout(resolve, injection.delayMs));
        if (res.destroyed || res.socket?.destroyed) return;
        return send(injection.status, injection.body);
      }
      const auth = req.headers.authorization ?? '';
      const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
      if (!this.tokens.has(token)) return send(401, sfError('Session expired or invalid', 'INVALID_SESSION_ID'));
      const prefix = `/services/data/v${this.apiVersion}`;
      if (!path.startsWith(prefix)) return send(404, sfError(`The requested resource does not exist`, 'NOT_FOUND'));
      const resource = path.slice(prefix.length);
      if (resource === '/limits' && method === 'GET') {
        return send(200, { DailyApiRequests: { Max: this.daily.max, Remaining: this.daily.remaining } });
      }
      const fault = this.faultHook?.(method, rawUrl);
      if (fault?.kind === 'reset-before') {
        entry.status = -1;
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'status') return send(fault.status, fault.body);
      after = fault;
      if (this.limitExceeded) return send(403, sfError('TotalRequests Limit exceeded.', 'REQUEST_LIMIT_EXCEEDED'));
      if (this.daily.remaining > 0) this.daily.remaining -= 1;
      if (resource === '/query' && method === 'GET') {
        const q = new URL(rawUrl, 'http://x').searchParams.get('q') ?? '';
        return send(...this.query(q));
      }
      if (resource.startsWith('/query/') && method === 'GET') return send(...this.nextBatch(resource.slice(7)));
      if (resource === '/composite/sobjects/User' && method === 'POST') {
        const body = JSON.parse(text) as { ids?: string[]; fields?: string[] };
        entry.count = body.ids?.length;
        return send(...this.retrieve(body));
      }
      if (resource === '/composite/sobjects' && method === 'PATCH') {
        const body = JSON.parse(text) as { allOrNone?: boolean; records?: Record<string, unknown>[] };
        entry.count = body.records?.length;
        entry.ids = body.records?.map((r) => String(r.id));
        return send(...this.update(body));
      }
      return send(404, sfError('The requested resource does not exist', 'NOT_FOUND'));
    } catch (err) {
      return send(500, sfError(`fake server error: ${(err as Error).message}`, 'UNKNOWN_EXCEPTION'));
    }
  }

  private soapLogin(xml: string): [number, string, string] {
    const username = /<username>([^<]*)<\/username>/.exec(xml)?.[1] ?? '';
    const password = (/<password>([^<]*)<\/password>/.exec(xml)?.[1] ?? '').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"');
    if (username !== this.username || password !== this.password) {
      return [500, soapFault('INVALID_LOGIN: Invalid username, password, security token; or user locked out.'), 'text/xml'];
    }
    const sessionId = `00DFAKE!${randomBytes(24).toString('hex')}`;
    this.tokens.add(sessionId);
    this.issuedSessions.push(sessionId);
    const body = `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com"><soapenv:Body><loginResponse><result><metadataServerUrl>${this.url}/services/Soap/m/${this.apiVersion}/00DFAKE</metadataServerUrl><passwordExpired>false</passwordExpired><sandbox>false</sandbox><serverUrl>${this.url}/services/Soap/u/${this.apiVersion}/00DFAKE</serverUrl><sessionId>${sessionId}</sessionId><userId>005000000000001AAA</userId><userInfo><organizationId>00D000000000001AAA</organizationId><userName>${username}</userName></userInfo></result></loginResponse></soapenv:Body></soapenv:Envelope>`;
    return [200, body, 'text/xml'];
  }

  /** Field names are case-insensitive in Salesforce; answers use the field's own spelling. */
  private canonicalField(name: string): string | undefined {
    const lower = name.toLowerCase();
    return ['Id', 'Name', 'Email', 'IsActive', ...this.customFields].find((f) => f.toLowerCase() === lower);
  }

  private checkFields(fields: string[]): string | undefined {
    return fields.find((f) => this.canonicalField(f) === undefined);
  }

  private project(user: FakeUser, fields: string[]): Record<string, unknown> {
    const record: Record<string, unknown> = { attributes: { type: 'User', url: `/services/data/v${this.apiVersion}/sobjects/User/${user.Id}` } };
    for (const f of fields) {
      const name = this.canonicalField(f)!;
      record[name] = user[name] ?? null;
    }
    return record;
  }

  private query(soql: string): [number, unknown] {
    const m = /^SELECT\s+(.+?)\s+FROM\s+User(?:\s+WHERE\s+(.+?))?\s*$/i.exec(soql.trim());
    if (!m) return [400, sfError(`unexpected token: ${soql.slice(0, 40)}`, 'MALFORMED_QUERY')];
    const fields = m[1]!.split(',').map((f) => f.trim());
    const unknown = this.checkFields(fields);
    if (unknown) return [400, sfError(`No such column '${unknown}' on entity 'User'.`, 'INVALID_FIELD')];
    let filter: (u: FakeUser) => boolean = () => true;
    const where = m[2];
    if (where) {
      const notNull = /^(\w+)\s*!=\s*null$/i.exec(where);
      const inList = /^Id\s+IN\s*\((.*)\)$/i.exec(where);
      if (notNull) {
        const field = this.canonicalField(notNull[1]!);
        if (!field) return [400, sfError(`No such column '${notNull[1]}' on entity 'User'.`, 'INVALID_FIELD')];
        filter = (u) => u[field] !== null && u[field] !== undefined;
      } else if (inList) {
        const ids = new Set(inList[1]!.split(',').map((s) => s.trim().replace(/^'|'$/g, '')));
        filter = (u) => ids.has(u.Id) || ids.has(u.Id.slice(0, 15));
      } else {
        return [400, sfError(`unexpected token: ${where.slice(0, 40)}`, 'MALFORMED_QUERY')];
      }
    }
    const records = [...this.users.values()].filter(filter).map((u) => this.project(u, fields));
    const locator = `01gFAKE${randomBytes(6).toString('hex')}`;
    this.cursors.set(locator, { records, offset: 0 });
    return this.nextBatch(`${locator}-0`, records.length);
  }

  private nextBatch(ref: string, _total?: number): [number, unknown] {
    const [locator, offsetText] = ref.split('-');
    const cursor = this.cursors.get(locator ?? '');
    if (!cursor) return [400, sfError('invalid query locator', 'INVALID_QUERY_LOCATOR')];
    const offset = Number(offsetText);
    const records = cursor.records.slice(offset, offset + this.batchSize);
    const next = offset + this.batchSize;
    const done = next >= cursor.records.length;
    return [200, { totalSize: cursor.records.length, done, records, ...(done ? {} : { nextRecordsUrl: `/services/data/v${this.apiVersion}/query/${locator}-${next}` }) }];
  }

  private retrieve(body: { ids?: string[]; fields?: string[] }): [number, unknown] {
    if (!Array.isArray(body.ids) || !Array.isArray(body.fields) || body.ids.length === 0) return [400, sfError('ids and fields are required', 'INVALID_FIELD')];
    if (body.ids.length > 2000) return [400, sfError('Maximum number of ids allowed is 2000', 'EXCEEDED_ID_LIMIT')];
    const unknown = this.checkFields(body.fields);
    if (unknown) return [400, sfError(`No such column '${unknown}' on entity 'User'.`, 'INVALID_FIELD')];
    return [200, body.ids.map((id) => {
      const user = this.users.get(id) ?? [...this.users.values()].find((u) => u.Id.slice(0, 15) === id);
      return user ? this.project(user, body.fields!) : null;
    })];
  }

  private update(body: { allOrNone?: boolean; records?: Record<string, unknown>[] }): [number, unknown] {
    const records = body.records ?? [];
    if (records.length > 200) return [400, sfError('Maximum number of records allowed is 200', 'EXCEEDED_ID_LIMIT')];
    const ids = records.map((r) => String(r.id));
    const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
    if (duplicate) return [400, sfError(`Duplicate id in list: ${duplicate}`, 'INVALID_FIELD')];
    if (body.allOrNone !== false) return [400, sfError('mapsync must send allOrNone: false', 'INVALID_FIELD')];
    return [200, records.map((record) => {
      const id = String(record.id);
      const type = (record.attributes as { type?: string } | undefined)?.type;
      if (type !== 'User') return { success: false, errors: [{ statusCode: 'INVALID_TYPE', message: 'attributes.type must be User', fields: [] }] };
      const failure = this.writeFailures.get(id);
      if (failure && failure.times > 0) {
        failure.times -= 1;
        return { id, success: false, errors: [{ statusCode: failure.statusCode, message: failure.message, fields: [] }] };
      }
      const user = this.users.get(id);
      // A failed record's result may carry no id: clients must match results by position.
      if (!user) return { success: false, errors: [{ statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] }] };
      for (const [key, value] of Object.entries(record)) {
        if (key === 'attributes' || key === 'id') continue;
        const name = this.canonicalField(key);
        if (!name || !this.customFields.has(name)) return { id, success: false, errors: [{ statusCode: 'INVALID_FIELD', message: `No such column '${key}' on sobject of type User`, fields: [key] }] };
        if (user[name] !== value && !(user[name] === undefined && value === null)) this.fieldChanges.push({ id, field: name, before: user[name] ?? null, after: value });
        user[name] = value;
      }
      return { id, success: true, errors: [] };
    })];
  }
}

function soapFault(message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_LOGIN</faultcode><faultstring>${message}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`;
}

/** A valid 18-character User ID for test number `n` (letters included, so the checksum matters). */
export function userId(n: number): string {
  const id15 = `005Hs${n.toString(36).toUpperCase().padStart(10, '0')}`;
  let suffix = '';
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += alphabet[bits];
  }
  return id15 + suffix;
}

export async function startFakeSalesforce(options: FakeSalesforceOptions = {}): Promise<FakeSalesforce> {
  return new FakeSalesforce(options).start();
}
