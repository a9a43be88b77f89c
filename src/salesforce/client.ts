// One authenticated jsforce Connection and the only place HTTP requests to Salesforce are made:
// every request goes through conn.request with jsforce's own retries switched off, so retries,
// timeouts and error messages are decided here, the same way for reads and writes.
// Type only: jsforce takes most of a second to load, so it is imported when a run first connects.
// @jsforce/jsforce-node is jsforce's own Node build (same project, same version, same API):
// without the browser bundles and the CLI's prompt and polyfill packages, it installs in a
// quarter of the space (docs/benchmarks.md, "Install").
import type { Connection } from '@jsforce/jsforce-node';
import { MapsyncError } from '../errors.js';
import type { Logger } from '../log.js';
import { registerSecret } from '../secrets.js';
import { asApiError, describeApiError, errorCode, isNetworkError, isTransient } from './apiError.js';
import { describeFlow, type SalesforceCredentials } from './credentials.js';
import { requestSessionToken } from './oauthToken.js';
import { withRetry, type RetryPolicy } from './retry.js';

/** How many times one run may log in again after Salesforce rejects the session. */
const MAX_RELOGINS = 3;

export interface RequestOptions {
  /** Shown in retry messages. */
  what: string;
  /** Only requests that mean the same thing when repeated are retried. */
  retry: boolean;
  /** Told of every failed attempt (retried or not), e.g. to learn that a write may have reached the org. */
  onFailedAttempt?: (err: unknown) => void;
  /** Apply's interrupt: once aborted, a failed attempt is not retried (SalesforceStoppedError). */
  signal?: AbortSignal;
}

/** The interrupt stopped the retries of a request whose earlier attempt failed. */
export class SalesforceStoppedError extends MapsyncError {}

export interface DailyApiRequests {
  max: number;
  remaining: number;
}

export class SalesforceClient {
  /** Requests sent (each retry counts): for the benchmark and --debug. */
  requestCount = 0;
  readonly dataPath: string;

  private constructor(
    private readonly conn: Connection,
    private readonly credentials: SalesforceCredentials,
    private readonly log: Logger,
    private readonly policy: RetryPolicy,
    private readonly timeoutMs: number,
  ) {
    this.dataPath = `/services/data/v${credentials.apiVersion}`;
  }

  static async connect(credentials: SalesforceCredentials, log: Logger, policy: RetryPolicy, timeoutMs: number): Promise<SalesforceClient> {
    const { Connection } = await import('@jsforce/jsforce-node');
    log.debug(`Salesforce: signing in with ${describeFlow(credentials)}`);
    if (credentials.kind === 'token') {
      registerSecret(credentials.accessToken);
      const conn = new Connection({ instanceUrl: credentials.instanceUrl, accessToken: credentials.accessToken, version: credentials.apiVersion, logLevel: 'NONE' });
      log.debug(`Salesforce: using SF_ACCESS_TOKEN for ${credentials.instanceUrl} (API v${credentials.apiVersion})`);
      return new SalesforceClient(conn, credentials, log, policy, timeoutMs);
    }
    // Every flow but a pasted token can sign in again by itself: jsforce calls refreshFn when a
    // request gets 401 INVALID_SESSION_ID, then repeats the request with the new session.
    let relogins = 0;
    const refreshFn = (signIn: () => Promise<string>, what: string) => (_c: unknown, callback: (err: Error | null, token?: string) => void) => {
      relogins += 1;
      if (relogins > MAX_RELOGINS) {
        callback(new Error(`Salesforce rejected ${MAX_RELOGINS} fresh sessions in a row`));
        return;
      }
      log.info(`Salesforce: session expired; ${what}`);
      signIn().then(
        (token) => callback(null, token),
        (err: unknown) => callback(asApiError(err)),
      );
    };
    if (credentials.kind === 'login') {
      warnPasswordFlowOnce(log);
      const password = credentials.password + credentials.securityToken;
      const conn: Connection = new Connection({
        loginUrl: credentials.loginUrl,
        version: credentials.apiVersion,
        // jsforce's debug log would print the SOAP answer, session id included.
        logLevel: 'NONE',
        refreshFn: refreshFn(() => login(conn, credentials.username, password), 'logging in again'),
      });
      await login(conn, credentials.username, password);
      log.debug(`Salesforce: logged in as ${credentials.username} at ${conn.instanceUrl} (API v${credentials.apiVersion})`);
      return new SalesforceClient(conn, credentials, log, policy, timeoutMs);
    }
    const first = await requestSessionToken(credentials, timeoutMs);
    const again = credentials.kind === 'jwt' ? 'signing a new JWT assertion' : 'logging in again with the client credentials';
    const conn = new Connection({
      instanceUrl: first.instanceUrl,
      accessToken: first.accessToken,
      version: credentials.apiVersion,
      logLevel: 'NONE',
      refreshFn: refreshFn(async () => (await requestSessionToken(credentials, timeoutMs)).accessToken, again),
    });
    const who = credentials.kind === 'jwt' ? `as ${credentials.username} ` : '';
    log.debug(`Salesforce: logged in with ${describeFlow(credentials)} ${who}at ${first.instanceUrl} (API v${credentials.apiVersion})`);
    return new SalesforceClient(conn, credentials, log, policy, timeoutMs);
  }

  /** The org's API usage as the last answer's Sforce-Limit-Info header reported it. */
  get apiUsage(): string | undefined {
    const usage = this.conn.limitInfo?.apiUsage;
    return usage ? `${usage.used}/${usage.limit}` : undefined;
  }

  get instanceUrl(): string {
    return this.conn.instanceUrl;
  }

  /** GET/POST/PATCH a JSON resource; `path` is absolute from the host or starts with /services. */
  async request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body: unknown, options: RequestOptions): Promise<T> {
    const send = async (attempt = 1): Promise<T> => {
      if (attempt > 1 && options.signal?.aborted) throw new SalesforceStoppedError(`the interrupt stopped the retries of ${options.what}`);
      this.requestCount += 1;
      const started = Date.now();
      try {
        const result = await this.conn.request<T>(
          {
            method,
            url: path,
            ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
          },
          { retry: { maxRetries: 0 }, timeout: this.timeoutMs },
        );
        this.log.debug(`Salesforce: ${method} ${shortPath(path)} ok (${Date.now() - started} ms)`);
        return result;
      } catch (err) {
        this.log.debug(`Salesforce: ${method} ${shortPath(path)} failed: ${describeApiError(err)} (${Date.now() - started} ms)`);
        options.onFailedAttempt?.(err);
        throw err;
      }
    };
    try {
      return options.retry ? await withRetry(options.what, this.policy, this.log, send, options.signal) : await send();
    } catch (err) {
      throw await this.explain(err, options.what);
    }
  }

  /** The org's daily API budget, or undefined when Salesforce will not say. */
  async dailyApiRequests(): Promise<DailyApiRequests | undefined> {
    try {
      this.requestCount += 1;
      const limits = await this.conn.request<{ DailyApiRequests?: { Max?: number; Remaining?: number } }>(
        { method: 'GET', url: `${this.dataPath}/limits` },
        { retry: { maxRetries: 0 }, timeout: this.timeoutMs },
      );
      const daily = limits.DailyApiRequests;
      if (typeof daily?.Max === 'number' && typeof daily.Remaining === 'number') return { max: daily.Max, remaining: daily.Remaining };
    } catch {
      // Reported as unknown below; the original error is what matters.
    }
    return undefined;
  }

  /**
   * Turns a failure into the one line a user can act on. Errors that say something about the
   * setup (session, limits, field, query) become MapsyncErrors; anything else keeps its text.
   */
  async explain(err: unknown, what: string): Promise<Error> {
    if (err instanceof MapsyncError) return err;
    const code = errorCode(err);
    const detail = describeApiError(err);
    const message = asApiError(err).message;
    const refresh = /Unable to refresh session due to: (.*)/.exec(message);
    if (refresh && this.credentials.kind !== 'token') {
      return new MapsyncError(`Salesforce ended the session and logging in again failed: ${refresh[1]}`, { hint: RELOGIN_HINT[this.credentials.kind] });
    }
    if (code === 'INVALID_SESSION_ID' || refresh) {
      if (this.credentials.kind === 'token') {
        return new MapsyncError(`SF_ACCESS_TOKEN expired or invalid — Salesforce answered INVALID_SESSION_ID for ${what}`, {
          hint: 'get a fresh token (e.g. `sf org display --verbose`), or use the JWT bearer flow (SF_CLIENT_ID + SF_USERNAME + SF_JWT_KEY + SF_LOGIN_URL) so mapsync can log in again by itself',
        });
      }
      const whose = this.credentials.kind === 'client-credentials' ? "the connected app's Run As user" : this.credentials.username;
      return new MapsyncError(`Salesforce keeps rejecting the session of ${whose} (INVALID_SESSION_ID) even after logging in again`, {
        hint: 'check that the user is active, has "API Enabled", and that no IP or session restriction blocks it',
      });
    }
    if (code === 'REQUEST_LIMIT_EXCEEDED') {
      const budget = await this.dailyApiRequests();
      const report = budget ? `DailyApiRequests: ${budget.remaining} of ${budget.max} remaining` : 'the remaining budget could not be read from /limits';
      return new MapsyncError(`Salesforce refused ${what}: the org's API request limit is exceeded (REQUEST_LIMIT_EXCEEDED; ${report}); mapsync stopped without retrying`, {
        hint: 'the daily limit is a rolling 24-hour window: run again later, or ask your Salesforce admin to raise it (Setup > Company Information > API Requests)',
      });
    }
    if (code === 'MALFORMED_QUERY') {
      return new MapsyncError(`Salesforce rejected the query for ${what} (MALFORMED_QUERY): ${message.split('\n')[0]}`, {
        hint: 'check salesforce.field in mapsync.config.yaml: it must be the API name of a text field on User, e.g. Outreach_User_Id__c',
      });
    }
    if (code === 'INVALID_FIELD' || code === 'INVALID_FIELD_FOR_INSERT_UPDATE') {
      return new MapsyncError(`Salesforce rejected ${what} (${code}): ${message.split('\n')[0]}`, {
        hint: 'create the mapping field on User (see README, "salesforce store"), give mapsync\'s user field-level access to it, or set salesforce.field in mapsync.config.yaml',
      });
    }
    if (code === 'API_DISABLED_FOR_ORG' || code === 'API_CURRENTLY_DISABLED' || code === 'INSUFFICIENT_ACCESS') {
      return new MapsyncError(`Salesforce refused ${what} (${code}): ${message.split('\n')[0]}`, {
        hint: 'mapsync\'s user needs the "API Enabled" permission, read access to User and edit access to the mapping field',
      });
    }
    if (isTransient(err)) {
      const where = isNetworkError(err) ? ` at ${this.instanceUrl || 'the instance URL'}` : '';
      return new MapsyncError(`Salesforce is unavailable${where}: ${what} failed (${detail}) after ${this.policy.retries + 1} attempts`, {
        hint: 'try again later; https://status.salesforce.com shows incidents',
      });
    }
    return new MapsyncError(`Salesforce: ${what} failed (${detail})`);
  }
}

/** What to check when signing in again failed, by flow. */
const RELOGIN_HINT: Record<Exclude<SalesforceCredentials['kind'], 'token'>, string> = {
  login: 'check SF_USERNAME, SF_PASSWORD and SF_SECURITY_TOKEN (a changed password invalidates the security token too)',
  jwt: 'check that the connected app still holds the certificate of SF_JWT_KEY and that SF_USERNAME is still pre-authorized and active',
  'client-credentials': "check SF_CLIENT_SECRET (a rotated consumer secret) and that the connected app's Run As user is active",
};

let warnedPasswordFlow = false;

/** Once per run: SOAP login() goes away, and the JWT bearer flow is the unattended way in. */
function warnPasswordFlowOnce(log: Logger): void {
  if (warnedPasswordFlow) return;
  warnedPasswordFlow = true;
  log.warn(
    "Salesforce retires the username/password login (SOAP login(), API 65.0, Summer '27): switch to the JWT bearer flow (SF_CLIENT_ID + SF_USERNAME + SF_JWT_KEY + SF_LOGIN_URL; README, \"salesforce store\")",
  );
}

async function login(conn: Connection, username: string, password: string): Promise<string> {
  try {
    await conn.loginBySoap(username, password);
  } catch (err) {
    const message = asApiError(err).message.split('\n')[0] ?? '';
    if (isNetworkError(err)) {
      throw new MapsyncError(`cannot reach Salesforce to log in at ${conn.loginUrl}: ${message}`, { hint: 'check SF_LOGIN_URL' });
    }
    throw new MapsyncError(`Salesforce login failed for ${username}: ${message}`, {
      hint: 'check SF_USERNAME, SF_PASSWORD and SF_SECURITY_TOKEN (needed outside trusted IP ranges), and SF_LOGIN_URL (https://test.salesforce.com for sandboxes)',
    });
  }
  registerSecret(conn.accessToken ?? undefined);
  if (!conn.accessToken) throw new MapsyncError('Salesforce login returned no session');
  return conn.accessToken;
}

/** Paths without the query string's SOQL bulk, for debug lines. */
function shortPath(path: string): string {
  return path.length > 160 ? `${path.slice(0, 157)}...` : path;
}
