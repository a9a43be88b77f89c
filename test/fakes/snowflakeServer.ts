// A fake Snowflake SQL API on 127.0.0.1 (PLATFORM-FACTS "Snowflake SQL API"), for the
// plugin-share store. It checks what Snowflake checks — the key-pair JWT (RS256 against the
// registered public key, iss with the key's SHA-256 fingerprint, sub, a lifetime of at most an
// hour, not expired), the token-type header, the JSON media type (415) — and answers the way
// Snowflake documents: jsonv2 results where every value is a string or null, rowType,
// partitionInfo over several partitions read with GET ?partition=N (gzip when asked), 202 while
// "running" and the status URL to poll, 429/503 with Retry-After, 401 for a bad JWT, 422 with
// Snowflake-shaped bodies for unknown objects and other SQL errors.
//
// It EXECUTES the statement it receives against seeded PLUGIN_MAPPINGS and USERS tables in a
// real embedded SQL engine (SQLite compiled to WebAssembly, sql.js), so a statement that forgets
// a filter reads the wrong rows and a test fails. Snowflake SQL that the store sends runs there
// unchanged: positional `?` binds, TRUE/FALSE, COALESCE, WITH, UNION ALL, NOT EXISTS.
import { createHash, createPublicKey, randomUUID, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import initSqlJs from 'sql.js';

/** A USERS row of the share. Times are seconds since the epoch (TIMESTAMP_NTZ). */
export interface ShareUser {
  ID: string;
  O_ID: string;
  FIRST_NAME?: string | null;
  LAST_NAME?: string | null;
  EMAIL?: string | null;
  CREATOR_TYPE?: string | null;
  IS_DELETED_IN_APP?: boolean;
  DML_AT?: number;
}

/** A PLUGIN_MAPPINGS row of the share. */
export interface SharePluginMapping {
  O_ID: string;
  VALUE_TYPE: string;
  VALUE_ID: string;
  EXTERNAL_TYPE: string;
  EXTERNAL_ID: string | null;
  /** null: a disabled mapping. */
  ENABLED_AT: number | null;
  IS_DELETED_IN_APP?: boolean;
  DML_AT?: number;
}

export interface SnowflakeFault {
  /** Which requests it hits: the statement POST, a status poll, a partition GET, or any. */
  on?: 'statement' | 'status' | 'partition' | 'any';
  status: 401 | 429 | 500 | 503 | 504;
  /** How many matching requests get it (default 1). */
  times?: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
}

export interface FakeSnowflakeOptions {
  /** As the JWT must name it: upper case, no region. */
  account: string;
  user: string;
  /** The public key set on the user (RSA_PUBLIC_KEY). */
  publicKey: KeyObject;
  database: string;
  schema: string;
  warehouse: string;
  users?: ShareUser[];
  pluginMappings?: SharePluginMapping[];
  /** Leave tables out, as a role without the grant on them sees it. */
  omitTables?: ('USERS' | 'PLUGIN_MAPPINGS')[];
  /** Rows per result partition (default 1,000). */
  rowsPerPartition?: number;
  /** How many 202 answers (the POST's, then each poll's) before the result (default 0). */
  pendingAnswers?: number;
  faults?: SnowflakeFault[];
  /** How TIMESTAMP_NTZ values are rendered: the guide's epoch seconds (default) or the OpenAPI example's text. */
  timestampFormat?: 'epoch' | 'text';
}

export interface SnowflakeRequest {
  /** Server clock (epoch ms) when it arrived. */
  at: number;
  method: string;
  path: string;
  /** The partition asked for, for GET ?partition=N. */
  partition?: number;
  status: number;
  /** Time the fake took to answer (executing, rendering, compressing), in ms. */
  ms?: number;
  gzip?: boolean;
  /** The statement and bindings of a POST. */
  statement?: string;
  bindings?: string[];
}

interface Result {
  rowType: { name: string; type: string; nullable: boolean; length: number | null; precision: number | null; scale: number | null; database: string; schema: string; table: string; byteLength: number | null }[];
  partitions: (string | null)[][][];
  /**
   * Each partition's rows as JSON, rendered once when the statement ran: like Snowflake's result
   * chunks, a result is stored once per statement handle and served from there, not re-rendered
   * per read. Also gives partitionInfo's uncompressedSize.
   */
  partitionJson: string[];
  /** A partition's gzip body, made at its first read and served from then on. */
  partitionGzip: (Buffer | undefined)[];
  pendingLeft: number;
}

type SqlValue = string | number | Uint8Array | null;
interface SqlStatement {
  bind(values: SqlValue[]): boolean;
  step(): boolean;
  get(): SqlValue[];
  getColumnNames(): string[];
  free(): boolean;
}
interface SqlDatabase {
  run(sql: string, params?: SqlValue[]): void;
  prepare(sql: string): SqlStatement;
  close(): void;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export function keyFingerprint(publicKey: KeyObject): string {
  const key = publicKey.type === 'public' ? publicKey : createPublicKey(publicKey);
  return `SHA256:${createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('base64')}`;
}

/** Snowflake's 422 body for a failed statement. */
function sqlError(code: string, sqlState: string, message: string) {
  return { code, sqlState, message, statementHandle: randomUUID(), statementStatusUrl: '' };
}

/** SQLite's words → Snowflake's: unknown objects, unknown columns, anything else. */
function translateSqlError(message: string) {
  const table = /no such table: (?:\w+\.)?(\w+)/.exec(message);
  if (table) return sqlError('002003', '42S02', `SQL compilation error:\nObject '${table[1]!.toUpperCase()}' does not exist or not authorized.`);
  const column = /no such column: ([\w.]+)/.exec(message);
  if (column) return sqlError('000904', '42000', `SQL compilation error: error line 1 at position 0\ninvalid identifier '${column[1]!.toUpperCase()}'`);
  return sqlError('001003', '42000', `SQL compilation error:\nsyntax error line 1 at position 0 unexpected '${message}'.`);
}

function pad(n: number, width = 2) {
  return String(n).padStart(width, '0');
}

/** Seconds since the epoch → Snowflake's rendering of a TIMESTAMP_NTZ. */
function renderTimestamp(seconds: number, format: 'epoch' | 'text'): string {
  const whole = Math.floor(seconds);
  const nanos = Math.round((seconds - whole) * 1e9);
  if (format === 'epoch') return `${whole}.${String(nanos).padStart(9, '0')}`;
  const d = new Date(whole * 1000 + Math.floor(nanos / 1e6));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

type ColumnKind = 'timestamp_ntz' | 'boolean' | 'text' | 'fixed';

/** The Snowflake type of result column `i`, from the column it comes from (the seeded schema's names). */
function columnKind(name: string, rows: readonly SqlValue[][], i: number): ColumnKind {
  if (/_AT$/.test(name)) return 'timestamp_ntz';
  if (/^IS_/.test(name)) return 'boolean';
  // A number column: some value is a number and every value is a number or null.
  let numbers = 0;
  for (const row of rows) {
    const value = row[i] ?? null;
    if (typeof value === 'number') numbers += 1;
    else if (value !== null) return 'text';
  }
  return numbers > 0 ? 'fixed' : 'text';
}

function renderValue(value: SqlValue, kind: ColumnKind, format: 'epoch' | 'text'): string | null {
  if (value === null) return null;
  if (kind === 'timestamp_ntz' && typeof value === 'number') return renderTimestamp(value, format);
  if (kind === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

let sqlJs: Promise<{ Database: new () => SqlDatabase }> | undefined;

export class FakeSnowflake {
  readonly log: SnowflakeRequest[] = [];
  /** Every JWT presented (valid or not), for scans of the output. */
  readonly tokensSeen = new Set<string>();
  url = '';
  /** The public key set on the user; a test may replace it (the user's key was rotated). */
  publicKey: KeyObject;
  private server: Server | undefined;
  private db!: SqlDatabase;
  private readonly results = new Map<string, Result>();
  private readonly faults: (SnowflakeFault & { left: number })[];

  constructor(private readonly options: FakeSnowflakeOptions) {
    this.faults = (options.faults ?? []).map((f) => ({ ...f, left: f.times ?? 1 }));
    this.publicKey = options.publicKey;
  }

  /** Statements executed (POSTs that reached the engine). */
  get statements(): SnowflakeRequest[] {
    return this.log.filter((r) => r.method === 'POST' && r.statement !== undefined && r.status !== 401 && r.status !== 429 && r.status < 500);
  }

  async start(): Promise<this> {
    sqlJs ??= (initSqlJs as unknown as () => Promise<{ Database: new () => SqlDatabase }>)();
    const SQL = await sqlJs;
    this.db = new SQL.Database();
    this.seed();
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ code: '000000', message: String(err) }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    this.db?.close();
    if (!this.server) return Promise.resolve();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }

  private seed(): void {
    const omit = new Set(this.options.omitTables ?? []);
    const db = this.db;
    if (!omit.has('USERS')) {
      db.run('CREATE TABLE USERS (ID TEXT, O_ID TEXT, BENTO TEXT, FIRST_NAME TEXT, LAST_NAME TEXT, EMAIL TEXT, CREATOR_TYPE TEXT, IS_DELETED_IN_APP BOOLEAN, DML_AT REAL, DML_TYPE TEXT)');
      // Indexes change no answer; they keep the fake fast at benchmark sizes.
      db.run('CREATE INDEX USERS_ID ON USERS (ID, O_ID)');
      db.run('BEGIN');
      const insert = db.prepare('INSERT INTO USERS VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
      for (const u of this.options.users ?? []) {
        insert.bind([u.ID, u.O_ID, 'bento1', u.FIRST_NAME ?? null, u.LAST_NAME ?? null, u.EMAIL ?? null, u.CREATOR_TYPE ?? null, u.IS_DELETED_IN_APP ? 1 : 0, u.DML_AT ?? 1764979200, u.IS_DELETED_IN_APP ? 'D' : 'U']);
        insert.step();
      }
      insert.free();
      db.run('COMMIT');
    }
    if (!omit.has('PLUGIN_MAPPINGS')) {
      db.run('CREATE TABLE PLUGIN_MAPPINGS (ID TEXT, O_ID TEXT, BENTO TEXT, VALUE_TYPE TEXT, VALUE_ID TEXT, EXTERNAL_TYPE TEXT, EXTERNAL_ID TEXT, ENABLED_AT REAL, IS_DELETED_IN_APP BOOLEAN, DML_AT REAL, DML_TYPE TEXT)');
      db.run('CREATE INDEX PLUGIN_MAPPINGS_ORG ON PLUGIN_MAPPINGS (O_ID)');
      db.run('BEGIN');
      const insert = db.prepare('INSERT INTO PLUGIN_MAPPINGS VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
      let id = 0;
      for (const m of this.options.pluginMappings ?? []) {
        insert.bind([String(++id), m.O_ID, 'bento1', m.VALUE_TYPE, m.VALUE_ID, m.EXTERNAL_TYPE, m.EXTERNAL_ID, m.ENABLED_AT, m.IS_DELETED_IN_APP ? 1 : 0, m.DML_AT ?? 1764979200, m.IS_DELETED_IN_APP ? 'D' : 'U']);
        insert.step();
      }
      insert.free();
      db.run('COMMIT');
    }
  }

  private takeFault(on: 'statement' | 'status' | 'partition'): SnowflakeFault | undefined {
    const fault = this.faults.find((f) => f.left > 0 && (f.on === undefined || f.on === 'any' || f.on === on));
    if (fault) fault.left -= 1;
    return fault;
  }

  /** The JWT checks Snowflake makes; undefined when the token is good, else the reason. */
  private checkJwt(token: string): string | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return 'not a JWT';
    const [header, payload, signature] = parts as [string, string, string];
    let head: { alg?: string };
    let claims: { iss?: string; sub?: string; iat?: number; exp?: number };
    try {
      head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return 'not JSON';
    }
    if (head.alg !== 'RS256') return `alg ${head.alg}`;
    if (!verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), this.publicKey, Buffer.from(signature, 'base64url'))) return 'bad signature';
    const qualified = `${this.options.account}.${this.options.user}`;
    if (claims.iss !== `${qualified}.${keyFingerprint(this.publicKey)}`) return `iss ${claims.iss}`;
    if (claims.sub !== qualified) return `sub ${claims.sub}`;
    const now = Date.now() / 1000;
    if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') return 'no iat/exp';
    if (claims.exp - claims.iat > 3600) return 'lifetime over an hour';
    if (claims.exp <= now) return 'expired';
    if (claims.iat > now + 60) return 'issued in the future';
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const entry: SnowflakeRequest = { at: Date.now(), method: req.method ?? '', path: url.pathname, status: 0 };
    const partitionParam = url.searchParams.get('partition');
    if (partitionParam !== null) entry.partition = Number(partitionParam);
    this.log.push(entry);
    const wantsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const reply = (status: number, payload: Buffer, headers: Record<string, string>) => {
      entry.status = status;
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(payload.length), ...headers });
      res.end(payload);
      entry.ms = Date.now() - entry.at;
    };
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => reply(status, Buffer.from(JSON.stringify(body)), headers);
    // A partition read: the stored result's JSON, gzipped when asked (compressed once, then served).
    const sendPartition = (result: Result, index: number, headers: Record<string, string>) => {
      const json = `{"data":${result.partitionJson[index]!}}`;
      if (!wantsGzip) return reply(200, Buffer.from(json), headers);
      entry.gzip = true;
      result.partitionGzip[index] ??= gzipSync(json);
      reply(200, result.partitionGzip[index]!, { ...headers, 'Content-Encoding': 'gzip' });
    };

    const auth = String(req.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (token) this.tokensSeen.add(token);
    if (!req.headers['user-agent']) return send(400, { code: '390000', message: 'User-Agent header is required.' });
    // Without the token type, Snowflake takes the bearer token as OAuth and refuses a JWT.
    if (req.headers['x-snowflake-authorization-token-type'] !== 'KEYPAIR_JWT') return send(401, { code: '390303', message: 'Invalid OAuth access token.' });
    if (!token || this.checkJwt(token) !== undefined) return send(401, { code: '390144', message: 'JWT token is invalid.' });

    if (req.method === 'POST' && url.pathname === '/api/v2/statements') {
      if (!/^application\/json\b/.test(String(req.headers['content-type'] ?? ''))) return send(415, { code: '391901', message: 'Unsupported media type.' });
      const fault = this.takeFault('statement');
      if (fault) return this.sendFault(fault, send);
      const body = JSON.parse(await readBody(req)) as {
        statement?: string; database?: string; schema?: string; warehouse?: string; bindings?: Record<string, { type: string; value: string }>;
      };
      entry.statement = body.statement;
      const bindings = Object.keys(body.bindings ?? {}).sort((a, b) => Number(a) - Number(b)).map((k) => body.bindings![k]!.value);
      entry.bindings = bindings;
      if (String(body.database ?? '').toUpperCase() !== this.options.database.toUpperCase()) {
        return send(422, sqlError('002003', '02000', `SQL compilation error:\nDatabase '${String(body.database ?? '').toUpperCase()}' does not exist or not authorized.`));
      }
      if (String(body.schema ?? '').toUpperCase() !== this.options.schema.toUpperCase()) {
        return send(422, sqlError('002003', '02000', `SQL compilation error:\nSchema '${this.options.database.toUpperCase()}.${String(body.schema ?? '').toUpperCase()}' does not exist or not authorized.`));
      }
      if (String(body.warehouse ?? '').toUpperCase() !== this.options.warehouse.toUpperCase()) {
        return send(422, sqlError('000606', '57P03', 'No active warehouse selected in the current session.  Select an active warehouse with the \'use warehouse\' command.'));
      }
      let result: Result;
      try {
        result = this.execute(String(body.statement ?? ''), bindings);
      } catch (err) {
        return send(422, translateSqlError((err as Error).message));
      }
      const handle = randomUUID();
      this.results.set(handle, result);
      return this.sendResult(handle, result, send);
    }

    const match = /^\/api\/v2\/statements\/([0-9a-f-]+)$/.exec(url.pathname);
    if (req.method === 'GET' && match) {
      const result = this.results.get(match[1]!);
      if (!result) return send(404, { code: '000709', message: `Statement ${match[1]} not found` });
      if (entry.partition === undefined) {
        const fault = this.takeFault('status');
        if (fault) return this.sendFault(fault, send);
        return this.sendResult(match[1]!, result, send);
      }
      const fault = this.takeFault('partition');
      if (fault) return this.sendFault(fault, send);
      const data = result.partitions[entry.partition];
      if (!Number.isInteger(entry.partition) || data === undefined) return send(422, { code: '000000', message: `Invalid partition ${partitionParam}` });
      const last = result.partitions.length - 1;
      const link = (n: number, rel: string) => `</api/v2/statements/${match[1]}?partition=${n}>; rel="${rel}"`;
      const links = [link(0, 'first'), ...(entry.partition < last ? [link(entry.partition + 1, 'next')] : []), ...(entry.partition > 0 ? [link(entry.partition - 1, 'prev')] : []), link(last, 'last')];
      return sendPartition(result, entry.partition, { Link: links.join(',') });
    }
    return send(404, { code: '000000', message: `no route ${req.method} ${url.pathname}` });
  }

  private sendFault(fault: SnowflakeFault, send: (status: number, body: unknown, headers?: Record<string, string>) => void): void {
    const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {};
    const bodies: Record<number, unknown> = {
      401: { code: '390144', message: 'JWT token is invalid.' },
      429: { code: '000000', message: 'Too many requests.' },
      500: { code: '000000', message: 'Internal error.' },
      503: { code: '000000', message: 'Service unavailable.' },
      504: { code: '000000', message: 'Gateway timeout.' },
    };
    send(fault.status, bodies[fault.status], headers);
  }

  /** 202 while the statement "runs", then the result with partition 0. */
  private sendResult(handle: string, result: Result, send: (status: number, body: unknown) => void): void {
    const statementStatusUrl = `/api/v2/statements/${handle}`;
    if (result.pendingLeft > 0) {
      result.pendingLeft -= 1;
      return send(202, { code: '333334', message: 'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.', statementHandle: handle, statementStatusUrl });
    }
    const numRows = result.partitions.reduce((n, p) => n + p.length, 0);
    send(200, {
      resultSetMetaData: {
        numRows,
        format: 'jsonv2',
        rowType: result.rowType,
        partitionInfo: result.partitions.map((p, i) => ({ rowCount: p.length, uncompressedSize: Buffer.byteLength(result.partitionJson[i]!) })),
      },
      data: result.partitions[0],
      code: '090001',
      statementStatusUrl,
      requestId: randomUUID(),
      sqlState: '00000',
      statementHandle: handle,
      message: 'Statement executed successfully.',
      createdOn: Date.now(),
    });
  }

  private execute(statement: string, bindings: string[]): Result {
    const prepared = this.db.prepare(statement);
    const rows: SqlValue[][] = [];
    let names: string[];
    try {
      if (bindings.length > 0) prepared.bind(bindings);
      names = prepared.getColumnNames().map((n) => n.toUpperCase());
      while (prepared.step()) rows.push(prepared.get());
    } finally {
      prepared.free();
    }
    const format = this.options.timestampFormat ?? 'epoch';
    const kinds = names.map((name, i) => columnKind(name, rows, i));
    // Rendered in place: the engine's row arrays are ours, and 200,000 copies would cost more than the query.
    const rendered = rows as unknown as (string | null)[][];
    for (const row of rows) for (let i = 0; i < row.length; i++) row[i] = renderValue(row[i] ?? null, kinds[i]!, format);
    const size = this.options.rowsPerPartition ?? 1000;
    const partitions: (string | null)[][][] = [];
    for (let start = 0; start < rendered.length || partitions.length === 0; start += size) partitions.push(rendered.slice(start, start + size));
    const partitionJson = partitions.map((p) => JSON.stringify(p));
    return {
      partitionJson,
      partitionGzip: [],
      rowType: names.map((name, i) => ({
        name, type: kinds[i]!, nullable: true, length: null, precision: kinds[i] === 'fixed' ? 38 : null, scale: kinds[i] === 'timestamp_ntz' ? 9 : kinds[i] === 'fixed' ? 0 : null,
        database: this.options.database.toUpperCase(), schema: this.options.schema.toUpperCase(), table: '', byteLength: kinds[i] === 'text' ? 16777216 : null,
      })),
      partitions,
      pendingLeft: this.options.pendingAnswers ?? 0,
    };
  }
}

export async function startFakeSnowflake(options: FakeSnowflakeOptions): Promise<FakeSnowflake> {
  return new FakeSnowflake(options).start();
}
