// The one way mapsync talks to Outreach: JSON:API media type both ways, bearer token with
// refresh on 401, the shared rate-limit gate, and bounded retries with backoff and jitter on
// 5xx and dropped connections (every request mapsync sends — GET, or PATCH of a field to a
// value — is idempotent, so repeating one is safe).
import { MapsyncError } from '../errors.js';
import type { Logger } from '../log.js';
import { OutreachApiError, describeErrorBody } from './apiError.js';
import { TokenSource, causeOf } from './auth.js';
import { RateLimiter } from './rateLimiter.js';
import { sleep } from '../sleep.js';
import type { OutreachSettings } from './settings.js';

export const JSON_API = 'application/vnd.api+json';

export interface RetryPolicy {
  /** Retries after a 5xx or a dropped connection. */
  serverErrorRetries: number;
  /** Retries after a 429 (each one waits as long as Outreach asks). */
  rateLimitRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { serverErrorRetries: 4, rateLimitRetries: 8, baseDelayMs: 300, maxDelayMs: 8_000 };

/** A request (answer included) that takes longer than this is abandoned and retried like a dropped connection. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** No answer at all after every retry (network down, timeouts). A write's outcome is then unknown. */
export class OutreachUnreachableError extends MapsyncError {}

/**
 * The interrupt (the signal passed to request()) stopped a request before it was sent, or
 * before a retry: `sent` says whether any attempt left; the message says what that means.
 */
export class OutreachStoppedError extends MapsyncError {
  constructor(message: string, readonly sent: boolean) {
    super(message);
  }
}

export interface JsonResponse {
  status: number;
  body: unknown;
}


export class OutreachHttp {
  readonly limiter: RateLimiter;
  readonly tokens: TokenSource;
  /** Requests sent (each attempt counts), for --debug and benchmarks. */
  requestCount = 0;
  private readonly origin: string;

  constructor(
    readonly settings: OutreachSettings,
    private readonly log: Logger,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    // Without a deadline, a server that accepts a request and never answers would hang apply forever.
    private readonly timeoutMs: number = DEFAULT_TIMEOUT_MS,
  ) {
    this.limiter = new RateLimiter();
    this.tokens = new TokenSource(settings, log);
    this.origin = new URL(settings.apiUrl).origin;
  }

  /** Absolute URL for an API path ("/users") or a link Outreach returned (links.next). */
  resolve(target: string): URL {
    const url = target.startsWith('http://') || target.startsWith('https://') ? new URL(target) : new URL(this.settings.apiUrl + target);
    // Never send the bearer token anywhere but the configured API.
    if (url.origin !== this.origin) {
      throw new MapsyncError(`Outreach returned a link to another host (${url.origin}); refusing to send the token there`);
    }
    return url;
  }

  /**
   * `signal` (apply's interrupt) stops the request from being sent, or sent again: a request
   * already sent is never cut off, since its answer is what tells whether the write was made.
   */
  async request(method: 'GET' | 'PATCH', target: string, body?: unknown, signal?: AbortSignal): Promise<JsonResponse> {
    const url = this.resolve(target);
    const label = `${method} ${url.pathname.replace(new URL(this.settings.apiUrl).pathname, '') || '/'}`;
    let serverErrors = 0;
    let rateLimits = 0;
    let refreshed = false;
    // Set once an attempt got no answer: the server may have carried it out all the same.
    let unanswered: string | undefined;
    let lastAnswer: string | undefined;
    let attempts = 0;
    const stopped = () => {
      if (attempts === 0) return new OutreachStoppedError(`not sent: interrupted before ${label} left`, false);
      if (unanswered !== undefined) return new OutreachStoppedError(`outcome unknown: ${label} got no answer (${unanswered}) and the interrupt stopped the retries; the write may have been applied`, true);
      return new OutreachStoppedError(`not made: Outreach answered ${label} with ${lastAnswer ?? 'an error'} and the interrupt stopped the retries`, true);
    };
    for (;;) {
      if (signal?.aborted) throw stopped();
      const token = await this.tokens.current();
      if (!(await this.limiter.acquire(signal))) throw stopped();
      attempts += 1;
      let response: Response;
      let text: string;
      try {
        this.requestCount += 1;
        response = await fetch(url, {
          method,
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': JSON_API, Accept: JSON_API },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        // Read inside the same deadline: a connection dropped mid-answer is retried like any other.
        text = await response.text();
      } catch (err) {
        this.limiter.settle(undefined);
        unanswered = causeOf(err);
        if (serverErrors < this.retry.serverErrorRetries) {
          serverErrors += 1;
          await this.backoff(serverErrors, `${label}: ${causeOf(err)}`, signal);
          continue;
        }
        throw new OutreachUnreachableError(`cannot reach Outreach at ${this.origin}: ${causeOf(err)}`, { hint: 'check OUTREACH_API_URL and the network' });
      }
      this.limiter.settle(response);
      lastAnswer = `HTTP ${response.status}`;
      this.log.debug(`Outreach ${label} → ${response.status}`);
      if (response.ok) return { status: response.status, body: text ? parseJson(text, label) : undefined };
      if (response.status === 401 && !refreshed && this.tokens.canRefresh) {
        refreshed = true;
        await this.tokens.refresh(token);
        continue;
      }
      if (response.status === 401) {
        throw new MapsyncError(`Outreach rejected the access token (${describeErrorBody(401, text)})`, {
          hint: this.tokens.canRefresh
            ? 'even a freshly refreshed token was refused: check the app is still authorised in Outreach'
            : 'export a fresh OUTREACH_ACCESS_TOKEN, or set OUTREACH_CLIENT_ID, OUTREACH_CLIENT_SECRET and OUTREACH_REFRESH_TOKEN so mapsync can refresh it',
        });
      }
      if (response.status === 429 && rateLimits < this.retry.rateLimitRetries) {
        rateLimits += 1; // the limiter now holds every request until Outreach allows the next
        continue;
      }
      if (response.status >= 500 && serverErrors < this.retry.serverErrorRetries) {
        serverErrors += 1;
        await this.backoff(serverErrors, `${label}: HTTP ${response.status}`, signal);
        continue;
      }
      const unknown = unanswered === undefined ? '' : `; outcome unknown: an earlier attempt got no answer (${unanswered}) and may have been applied`;
      throw new OutreachApiError(`Outreach ${label} failed: ${describeErrorBody(response.status, text)}${unknown}`, response.status);
    }
  }

  private async backoff(attempt: number, why: string, signal?: AbortSignal): Promise<void> {
    // Exponential, capped, with full jitter so concurrent writers do not retry in lockstep.
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    this.log.debug(`${why}; retry ${attempt}/${this.retry.serverErrorRetries} in ${delay} ms`);
    await sleep(delay, signal);
  }
}

function parseJson(text: string, label: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new MapsyncError(`Outreach ${label} answered with something that is not JSON`, { hint: 'check OUTREACH_API_URL points at the Outreach REST API (…/api/v2)' });
  }
}
