// A small client for the Snowflake SQL API (PLATFORM-FACTS "Snowflake SQL API") over the global
// fetch: one statement, every result partition, 202 polled, 429/503/504 retried after
// Retry-After, a 401 answered with one new JWT. No Snowflake driver: the official one brings
// cloud SDKs far heavier than one read-only statement needs.
import { randomUUID } from 'node:crypto';
import { MapsyncError } from '../errors.js';
import type { Logger } from '../log.js';
import { sleep } from '../sleep.js';
import { signSnowflakeJwt, type SnowflakeKey } from './jwt.js';
import type { SnowflakeSettings } from './settings.js';

/** Transient answers (429, 503, 504, no answer) retried per request before giving up. */
export const MAX_RETRIES = 5;
/** The longest wait honoured from one Retry-After, so a broken header cannot stall a run. */
const MAX_RETRY_AFTER_MS = 60_000;
/** Result partitions read at once: enough to hide latency on a large list. */
const PARTITION_CONCURRENCY = 4;
const STATEMENT_TIMEOUT_SECONDS = 300;

export interface Statement {
  statement: string;
  /** Positional `?` values, all sent as TEXT. */
  bindings: readonly string[];
  database: string;
  schema: string;
}

export interface ResultSet {
  /** Column names as Snowflake returns them (upper case for unquoted names). */
  columns: string[];
  /** Snowflake's type names, lower-cased (`text`, `fixed`, `timestamp_ntz`, …). */
  types: string[];
  /** Every row of every partition; every value a string or null (jsonv2). */
  rows: (string | null)[][];
  /** Result partitions read (1 + the GETs of partitions 1..n-1). */
  partitions: number;
}

/** The statement ran and failed (422): Snowflake's code and message, for the caller to explain. */
export class SnowflakeSqlError extends Error {
  constructor(readonly sqlMessage: string, readonly sqlCode: string | undefined, readonly sqlState: string | undefined) {
    super(sqlMessage);
    this.name = 'SnowflakeSqlError';
  }
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

interface ResultMetaData {
  format?: string;
  rowType?: { name?: string; type?: string }[];
  partitionInfo?: unknown[];
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();

function retryAfterMs(header: string | null, attempt: number): number {
  if (header !== null) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
    const date = Date.parse(header);
    if (Number.isFinite(date)) return Math.min(Math.max(0, date - Date.now()), MAX_RETRY_AFTER_MS);
  }
  return Math.min(500 * 2 ** attempt, 8_000);
}

export class SnowflakeClient {
  private jwt: string | undefined;
  /** Set once a 401 has been answered with a fresh JWT: a second 401 is an error. */
  private renewed = false;
  /** Every request sent, for --debug and for the tests' counts. */
  requests = 0;

  constructor(
    private readonly settings: SnowflakeSettings,
    private readonly key: SnowflakeKey,
    private readonly log: Logger,
    private readonly userAgent: string,
    /** Aborting it stops the run's requests and waits (the store was closed before its answer). */
    private readonly signal?: AbortSignal,
  ) {}

  /** Runs one statement and reads every partition of its result. */
  async query(statement: Statement): Promise<ResultSet> {
    const requestId = randomUUID();
    const body = {
      statement: statement.statement,
      timeout: STATEMENT_TIMEOUT_SECONDS,
      database: statement.database,
      schema: statement.schema,
      warehouse: this.settings.warehouse,
      ...(this.settings.role !== undefined ? { role: this.settings.role } : {}),
      bindings: Object.fromEntries(statement.bindings.map((value, i) => [String(i + 1), { type: 'TEXT', value }])),
    };
    // The same requestId on a retry, with retry=true: Snowflake runs the statement once.
    let first = await this.send('POST', `/api/v2/statements?requestId=${requestId}`, body, `/api/v2/statements?requestId=${requestId}&retry=true`);
    first = await this.waitForResult(first);
    const meta = first.body.resultSetMetaData as ResultMetaData | undefined;
    if (!meta || !Array.isArray(meta.rowType) || !Array.isArray(first.body.data)) throw this.unexpected('a result without resultSetMetaData.rowType or data');
    if (meta.format !== undefined && meta.format.toLowerCase() !== 'jsonv2') throw this.unexpected(`a result in format ${meta.format}, not jsonv2`);
    const handle = String(first.body.statementHandle ?? '');
    const partitions = Math.max(1, meta.partitionInfo?.length ?? 1);
    const parts: (string | null)[][][] = new Array(partitions);
    parts[0] = first.body.data as (string | null)[][];
    await this.readPartitions(handle, partitions, parts);
    const rows = partitions === 1 ? parts[0] : parts.flat();
    return {
      columns: meta.rowType.map((column) => String(column.name ?? '')),
      types: meta.rowType.map((column) => String(column.type ?? '').toLowerCase()),
      rows,
      partitions,
    };
  }

  private async readPartitions(handle: string, count: number, parts: (string | null)[][][]): Promise<void> {
    let next = 1;
    const worker = async () => {
      while (next < count) {
        const index = next++;
        const answer = await this.send('GET', `/api/v2/statements/${encodeURIComponent(handle)}?partition=${index}`);
        if (answer.status !== 200) throw this.failed(answer, `reading result partition ${index}`);
        if (!Array.isArray(answer.body.data)) throw this.unexpected(`partition ${index} without data`);
        parts[index] = answer.body.data as (string | null)[][];
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARTITION_CONCURRENCY, count - 1) }, worker));
  }

  /** 202: the statement is still running; the status URL answers 200 with the result once done. */
  private async waitForResult(answer: Answer): Promise<Answer> {
    const deadline = Date.now() + (STATEMENT_TIMEOUT_SECONDS + 60) * 1000;
    let delay = 250;
    while (answer.status === 202) {
      const statusUrl = String(answer.body.statementStatusUrl ?? `/api/v2/statements/${String(answer.body.statementHandle ?? '')}`);
      if (Date.now() > deadline) throw new MapsyncError(`the Snowflake statement was still running after ${STATEMENT_TIMEOUT_SECONDS} s`, { hint: 'try again, or use a larger warehouse (SNOWFLAKE_WAREHOUSE)' });
      this.log.debug(`snowflake: statement still running; asking again in ${delay} ms`);
      await sleep(delay, this.signal);
      delay = Math.min(delay * 2, 2_000);
      answer = await this.send('GET', statusUrl);
    }
    if (answer.status === 422) {
      const message = oneLine(String(answer.body.message ?? 'the statement failed'));
      throw new SnowflakeSqlError(message, answer.body.code as string | undefined, answer.body.sqlState as string | undefined);
    }
    if (answer.status !== 200) throw this.failed(answer, 'running the statement');
    return answer;
  }

  private token(): string {
    this.jwt ??= signSnowflakeJwt(this.settings, this.key);
    return this.jwt;
  }

  /** One request, retried on transient answers; a 401 gets one new JWT per run. */
  private async send(method: 'GET' | 'POST', path: string, body?: unknown, retryPath = path): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      this.signal?.throwIfAborted();
      const url = `${this.settings.url}${attempt === 0 ? path : retryPath}`;
      let response: Response;
      try {
        this.requests += 1;
        response = await fetch(url, {
          method,
          headers: {
            Authorization: `Bearer ${this.token()}`,
            'X-Snowflake-Authorization-Token-Type': 'KEYPAIR_JWT',
            Accept: 'application/json',
            'User-Agent': this.userAgent,
            ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          ...(this.signal ? { signal: this.signal } : {}),
        });
      } catch (err) {
        this.signal?.throwIfAborted();
        const reason = (err as { cause?: { code?: string; message?: string } }).cause?.code ?? (err as Error).message;
        if (attempt >= MAX_RETRIES) throw new MapsyncError(`cannot reach Snowflake at ${this.settings.url}: ${reason}`, { hint: 'check SNOWFLAKE_ACCOUNT (or SNOWFLAKE_URL) and the network' });
        await sleep(retryAfterMs(null, attempt), this.signal);
        continue;
      }
      const status = response.status;
      if (status === 429 || status === 503 || status === 504) {
        const wait = retryAfterMs(response.headers.get('retry-after'), attempt);
        await response.arrayBuffer().catch(() => undefined);
        if (attempt >= MAX_RETRIES) throw new MapsyncError(`Snowflake kept answering ${status} (${status === 429 ? 'too many requests' : 'unavailable'}) after ${MAX_RETRIES} retries`, { hint: 'try again later' });
        this.log.debug(`snowflake: ${status} on ${method}; waiting ${wait} ms`);
        await sleep(wait, this.signal);
        continue;
      }
      const text = await response.text();
      let parsed: Record<string, unknown> = {};
      try {
        parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
      } catch {
        if (status < 400) throw this.unexpected(`an answer that is not JSON (HTTP ${status})`);
      }
      if (status === 401) {
        if (this.renewed) throw this.refused(parsed);
        // One new JWT: the first may have expired in a long run, or the clocks disagree.
        this.renewed = true;
        this.jwt = undefined;
        this.log.debug('snowflake: 401; signing a new JWT and asking once more');
        attempt -= 1;
        continue;
      }
      return { status, body: parsed };
    }
  }

  private refused(body: Record<string, unknown>): MapsyncError {
    const said = body.message ? `: ${oneLine(String(body.message))}` : '';
    return new MapsyncError(
      `Snowflake refused the key-pair JWT for user ${this.settings.jwtUser} in account ${this.settings.jwtAccount}${said}`,
      {
        code: 'snowflake-auth',
        hint: `check SNOWFLAKE_ACCOUNT and SNOWFLAKE_USER, and that DESC USER shows RSA_PUBLIC_KEY_FP = ${this.key.fingerprint} (the public key of ${this.key.from})`,
      },
    );
  }

  private failed(answer: Answer, doing: string): MapsyncError {
    const said = answer.body.message ? `: ${oneLine(String(answer.body.message))}` : '';
    return new MapsyncError(`Snowflake answered HTTP ${answer.status} while ${doing}${said}`, { code: 'snowflake-error' });
  }

  private unexpected(what: string): MapsyncError {
    return new MapsyncError(`Snowflake sent ${what}`, { code: 'snowflake-error', hint: `check that SNOWFLAKE_URL (${this.settings.url}) is the account URL` });
  }
}
