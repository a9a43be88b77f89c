// The one place an Octokit is built: @octokit/core with only the plugins mapsync uses — the
// REST endpoint methods (octokit.rest.*), REST pagination (octokit.paginate), retries for 5xx
// and throttling for GitHub's rate limits. The all-in-one `octokit` package bundles much more
// (apps, webhooks, OAuth, GraphQL pagination) that every CI job would install for nothing.
import { Octokit as OctokitCore } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { restEndpointMethods } from '@octokit/plugin-rest-endpoint-methods';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { RequestError } from '@octokit/request-error';
import { MapsyncError } from '../errors.js';
import type { Logger } from '../log.js';
import type { GitHubContext } from './context.js';

const MapsyncOctokit = OctokitCore.plugin(restEndpointMethods, paginateRest, retry, throttling);

/** The GitHub client every module uses; import this type from here, never from an octokit package. */
export type GitHubClient = InstanceType<typeof MapsyncOctokit>;

/** How often a rate-limited request may be retried, and the longest wait we accept. */
const MAX_RATE_LIMIT_RETRIES = 2;
const MAX_RATE_LIMIT_WAIT_SECONDS = 120;
/** 5xx responses are retried this many times (1 s, 4 s, 9 s back-off from the retry plugin). */
const SERVER_ERROR_RETRIES = 3;

export function createGitHubClient(github: GitHubContext, log: Logger): GitHubClient {
  const decide = (kind: string) => (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number): boolean => {
    if (retryCount < MAX_RATE_LIMIT_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS) {
      log.warn(`GitHub ${kind} on ${options.method} ${options.url}: retrying in ${retryAfter}s`);
      return true;
    }
    log.warn(`GitHub ${kind} on ${options.method} ${options.url}: giving up (asked to wait ${retryAfter}s)`);
    return false;
  };
  return new MapsyncOctokit({
    auth: github.token,
    baseUrl: github.apiUrl,
    userAgent: 'mapsync',
    // Octokit logs warnings to the console by default; route them through our redacting logger.
    log: {
      debug: (m: string) => log.debug(m),
      info: (m: string) => log.debug(m),
      warn: (m: string) => log.debug(m),
      error: (m: string) => log.debug(m),
    },
    throttle: {
      onRateLimit: decide('rate limit'),
      onSecondaryRateLimit: decide('secondary rate limit'),
      // The plugin only calls key(id).schedule() on these; its types ask for whole Bottleneck groups.
      ...((github.writeGapMs !== undefined ? { write: pacedQueue(github.writeGapMs), notifications: pacedQueue(github.writeGapMs) } : {}) as object),
    },
    // 429 belongs to the throttling plugin (it honours retry-after); the retry plugin handles 5xx.
    retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451], retries: SERVER_ERROR_RETRIES },
  });
}

interface Limiter {
  schedule(...args: unknown[]): Promise<unknown>;
}

/**
 * Stands in for the throttling plugin's write and notification queues (Bottleneck groups the
 * plugin keeps per process) when GitHubContext.writeGapMs is set: writes one at a time, at least
 * `gapMs` apart. The plugin calls `group.key(id).schedule([options,] job, ...args)`.
 */
function pacedQueue(gapMs: number): { key(id: string): Limiter } {
  let queue: Promise<unknown> = Promise.resolve();
  let lastStarted = Number.NEGATIVE_INFINITY;
  const limiter: Limiter = {
    schedule(...args) {
      const at = args.findIndex((arg) => typeof arg === 'function');
      const job = args[at] as (...jobArgs: unknown[]) => unknown;
      const run = queue.then(async () => {
        const wait = lastStarted + gapMs - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        lastStarted = Date.now();
        return job(...args.slice(at + 1));
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
  return { key: () => limiter };
}

/** Turns an octokit failure into one line an admin can act on. */
export function describeGitHubError(err: unknown, doing: string): MapsyncError {
  if (err instanceof MapsyncError) return err;
  // octokit reports a connection failure as a RequestError without a response.
  if (err instanceof RequestError && err.response) {
    const data = err.response?.data as { message?: unknown } | undefined;
    const detail = typeof data?.message === 'string' ? data.message : err.message.split(' - ')[0];
    switch (err.status) {
      case 401:
        return new MapsyncError(`GitHub rejected GITHUB_TOKEN while ${doing} (401 ${detail})`, {
          hint: 'pass the workflow token: env: GITHUB_TOKEN: ${{ github.token }}',
          cause: err,
        });
      case 403:
      case 429:
        return new MapsyncError(`GitHub refused ${doing} (${err.status} ${detail})`, {
          hint: 'give the job the permission it needs (pull-requests: write for the plan comment, issues: write for the drift issue), or wait for the rate limit to reset',
          cause: err,
        });
      case 404:
        return new MapsyncError(`GitHub found nothing while ${doing} (404 ${detail})`, {
          hint: 'check GITHUB_REPOSITORY, the pull request number and that the token can see the repository',
          cause: err,
        });
      default:
        return new MapsyncError(`GitHub failed while ${doing} (${err.status} ${detail})`, { cause: err });
    }
  }
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  const message = err instanceof Error ? err.message : String(err);
  return new MapsyncError(`cannot reach GitHub while ${doing}: ${message.split('\n')[0]}${cause}`, {
    hint: 'check GITHUB_API_URL and the network',
    cause: err,
  });
}

/** Runs one GitHub call, reporting a failure as a MapsyncError that says what we were doing. */
export async function withGitHub<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw describeGitHubError(err, doing);
  }
}
