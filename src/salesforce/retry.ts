// Bounded exponential backoff with full jitter for requests that may be repeated safely.
// Hand-written (not p-retry) because the wait is reported to the user as it happens.
import type { Logger } from '../log.js';
import { sleep } from '../sleep.js';
import { describeApiError, isTransient } from './apiError.js';

export interface RetryPolicy {
  /** Further attempts after the first. */
  retries: number;
  /** Base delay; attempt n waits a random time up to base * 2^(n-1), capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  return Number.isInteger(value) && value >= 0 ? value : fallback;
}

/** Defaults suit a real org; MAPSYNC_SALESFORCE_RETRIES / _RETRY_MS tune them (tests use small delays). */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv): RetryPolicy {
  return {
    retries: intFromEnv(env, 'MAPSYNC_SALESFORCE_RETRIES', 4),
    baseDelayMs: intFromEnv(env, 'MAPSYNC_SALESFORCE_RETRY_MS', 1000),
    maxDelayMs: 30_000,
  };
}

export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // Full jitter keeps several CI jobs hitting a busy org from retrying in lockstep.
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * Runs `attempt` until it succeeds, fails with a non-transient error, or the retries are spent.
 * `what` names the request in the messages, e.g. "query batch 3". `signal` cuts a back-off wait
 * short; `attempt` decides what a retry after it means.
 */
export async function withRetry<T>(what: string, policy: RetryPolicy, log: Logger, attempt: (n: number) => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!isTransient(err) || n > policy.retries) throw err;
      const delay = backoffDelay(policy, n);
      log.info(`Salesforce: ${what} failed (${describeApiError(err)}); retrying in ${(delay / 1000).toFixed(1)}s (attempt ${n + 1} of ${policy.retries + 1})`);
      await sleep(delay, signal);
    }
  }
}
