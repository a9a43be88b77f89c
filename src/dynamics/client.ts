// Every request to the org goes through `send`: the gate (≤ 8 in flight, Retry-After for the
// whole org), the token (one per run; a 401 gets one new token, a second 401 is an error) and
// bounded retries of transient failures. The Dataverse calls themselves are dynamics-web-api's.
import { DynamicsWebApi } from 'dynamics-web-api';
import { MapsyncError } from '../errors.js';
import type { Logger } from '../log.js';
import { describeFailure, failureOf, headerValue, isNoAnswer, isTransient, type DataverseFailure } from './apiError.js';
import { EntraToken } from './auth.js';
import { OrgGate, retryAfterMs } from './gate.js';
import type { DynamicsSettings } from './settings.js';

export const MAX_IN_FLIGHT = 8;
/** 429s ridden out for one request (or one row of a $batch) before giving up (each waits the org's Retry-After). */
export const MAX_THROTTLES = 10;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

export interface SendOptions {
  /** Names the request in messages, e.g. "the read of systemusers (page 2)". */
  what: string;
  /** Told of every attempt that failed without an answer (a write may have happened anyway). */
  onNoAnswer?: (failure: DataverseFailure) => void;
  /** Apply's interrupt: once aborted, nothing more is sent for this request (no retry, no wait). */
  signal?: AbortSignal;
}

export class DataverseClient {
  readonly token: EntraToken;
  readonly gate = new OrgGate(MAX_IN_FLIGHT);
  /** Requests sent to the data API, retries included. */
  requestCount = 0;
  readonly dataUrl: string;

  constructor(readonly settings: DynamicsSettings, private readonly log: Logger) {
    this.token = new EntraToken(settings);
    this.dataUrl = `${settings.url}/api/data/v${settings.apiVersion}/`;
  }

  /**
   * A new library instance for one request: a $batch is assembled on the instance between
   * startBatch() and executeBatch(), so concurrent batches must not share one.
   */
  private api(token: string): DynamicsWebApi {
    return new DynamicsWebApi({
      serverUrl: this.settings.url,
      dataApi: { version: this.settings.apiVersion },
      timeout: this.settings.timeoutMs,
      onTokenRefresh: async () => token,
    });
  }

  /**
   * A 429, for a whole request or for one operation inside a $batch: the org's service protection
   * limits are the same either way, so nothing more leaves for the org until its Retry-After.
   */
  holdForRetryAfter(what: string, failure: DataverseFailure): void {
    const until = retryAfterUntil(failure);
    this.gate.closeUntil(until);
    this.log.info(`Dynamics 365: ${what} was throttled (HTTP 429); nothing is sent for ${Math.ceil((until - Date.now()) / 1000)}s (Retry-After)`);
  }

  async send<T>(options: SendOptions, request: (api: DynamicsWebApi) => Promise<T>): Promise<T> {
    let renewed = false;
    let throttles = 0;
    const stopped = () => new DataverseStoppedError(`the interrupt stopped ${options.what} before it was sent again`);
    for (let attempt = 1, sent = false; ; attempt++) {
      // A request already sent is never sent again once the run is interrupted.
      if (sent && options.signal?.aborted) throw stopped();
      const token = await this.token.get();
      try {
        return await this.gate.run(() => {
          this.requestCount += 1;
          sent = true;
          return request(this.api(token));
        }, options.signal, stopped);
      } catch (err) {
        if (err instanceof DataverseStoppedError) throw err;
        const failure = failureOf(err);
        if (failure.status === 401) {
          if (renewed) {
            throw new MapsyncError(`Dynamics 365 rejected a new access token too (HTTP 401) for ${options.what}`, {
              hint: 'the app registration needs an application user in this environment with a security role that can read and update systemuser rows',
            });
          }
          renewed = true;
          attempt -= 1;
          await this.token.renew(token);
          continue;
        }
        if (failure.status === 429) {
          throttles += 1;
          if (throttles > MAX_THROTTLES) {
            this.gate.closeUntil(retryAfterUntil(failure));
            throw new MapsyncError(`Dynamics 365 kept throttling ${options.what} (HTTP 429 ${MAX_THROTTLES} times)`, { hint: 'run again later: the org\'s service protection limits are per 5-minute window' });
          }
          this.holdForRetryAfter(options.what, failure);
          attempt -= 1;
          continue;
        }
        if (isNoAnswer(failure)) options.onNoAnswer?.(failure);
        if (!isTransient(failure) || attempt > this.settings.retries) throw new DataverseRequestError(options.what, failure);
        const ceiling = Math.min(30_000, this.settings.retryBaseMs * 2 ** (attempt - 1));
        const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
        this.log.info(`Dynamics 365: ${options.what} failed (${describeFailure(failure)}); retrying in ${(delay / 1000).toFixed(1)}s (attempt ${attempt + 1} of ${this.settings.retries + 1})`);
        await sleep(delay, options.signal);
      }
    }
  }
}

/** When a 429 says the org takes requests again: its Retry-After, or a minute when it gives none. */
function retryAfterUntil(failure: DataverseFailure): number {
  return retryAfterMs(headerValue(failure, 'retry-after')) ?? Date.now() + 60_000;
}

/** The run was interrupted: the request was not sent (again). Not a failure of the org. */
export class DataverseStoppedError extends MapsyncError {}

/** A request that failed for good: one line for the user, the failure kept for the caller. */
export class DataverseRequestError extends MapsyncError {
  constructor(what: string, readonly failure: DataverseFailure) {
    super(`Dynamics 365: ${what} failed: ${describeFailure(failure)}`, { hint: hintFor(failure) });
  }
}

function hintFor(f: DataverseFailure): string | undefined {
  if (f.status === 403) return 'the application user needs a security role that can read and update systemuser rows';
  if (f.status === 404) return 'check DYNAMICS_URL (the environment URL) and DYNAMICS_API_VERSION';
  if (f.status === undefined) return 'check DYNAMICS_URL and the network; a re-run converges';
  if (f.status >= 500) return 'Dynamics 365 is having trouble; run again later (a re-run converges)';
  return undefined;
}
