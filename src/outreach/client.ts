// One Outreach connection per run, shared by the store and the directory: the same token,
// the same rate-limit gate, and the user list fetched once and reused by both.
import type { StoreContext } from '../context.js';
import { MapsyncError } from '../errors.js';
import { DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, OutreachHttp, type RetryPolicy } from './http.js';
import type { WaitNotice } from './rateLimiter.js';
import { outreachSettingsFromEnv } from './settings.js';
import { fetchAllUsers, type OutreachUserRecord } from './users.js';

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export class OutreachClient {
  private users: Promise<OutreachUserRecord[]> | undefined;
  /** Set while an apply shows progress: rate-limit waits go there instead of the log. */
  waitReporter: ((notice: WaitNotice) => void) | undefined;

  constructor(
    readonly http: OutreachHttp,
    /** The user attribute that holds the CRM ID (config outreach.field). */
    readonly field: string,
  ) {}

  /** Every user, fetched on first use and reused for the rest of the run. */
  listUsers(): Promise<OutreachUserRecord[]> {
    if (!this.users) {
      this.users = fetchAllUsers(this.http, this.field);
      this.users.catch(() => {
        this.users = undefined; // a failed read is not cached
      });
    }
    return this.users;
  }

  /** Forget the cached users (after writing to them). */
  invalidate(): void {
    this.users = undefined;
  }
}

const clients = new Map<string, OutreachClient>();

function positiveIntFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = Number(env[name]);
  return env[name] !== undefined && env[name] !== '' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** MAPSYNC_OUTREACH_RETRY_MS sets the backoff base (tests keep it small); the defaults suit the real API. */
function retryPolicyFromEnv(env: NodeJS.ProcessEnv): RetryPolicy {
  const base = positiveIntFromEnv(env, 'MAPSYNC_OUTREACH_RETRY_MS');
  return base === undefined ? DEFAULT_RETRY : { ...DEFAULT_RETRY, baseDelayMs: base };
}

/** MAPSYNC_OUTREACH_TIMEOUT_MS: how long one request may take before it is abandoned and retried. */
function timeoutFromEnv(env: NodeJS.ProcessEnv): number {
  const ms = positiveIntFromEnv(env, 'MAPSYNC_OUTREACH_TIMEOUT_MS');
  return ms === undefined || ms === 0 ? DEFAULT_TIMEOUT_MS : ms;
}

export function checkField(field: string): string {
  if (!FIELD_NAME.test(field)) {
    throw new MapsyncError(`outreach.field "${field}" is not an Outreach user attribute name`, { hint: 'use one of the custom fields, e.g. custom1 … custom5' });
  }
  return field;
}

/** The run's client for these settings (created on first call). */
export function outreachClient(context: StoreContext): OutreachClient {
  const settings = outreachSettingsFromEnv(context.env, context.ports);
  const field = checkField(context.config.outreach.field);
  const key = `${settings.apiUrl}\n${settings.accessToken ?? ''}\n${settings.refresh?.clientId ?? ''}\n${field}`;
  let client = clients.get(key);
  if (!client) {
    client = new OutreachClient(new OutreachHttp(settings, context.log, retryPolicyFromEnv(context.env), timeoutFromEnv(context.env)), field);
    // Every wait is worth a line (a silent minute looks like a hang); during an apply the
    // progress display says it instead, so a progress bar is not broken by log lines.
    const c = client;
    c.http.limiter.onWait((notice) => {
      if (c.waitReporter) c.waitReporter(notice);
      else context.log.info(`${notice.reason}, waiting ${Math.ceil(notice.waitingMs / 1000)}s`);
    });
    clients.set(key, client);
  }
  return client;
}
