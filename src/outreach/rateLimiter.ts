// One gate in front of every Outreach request, shared by all concurrent writers, so that no
// request leaves before Outreach allows it:
//  - a 429 (or 503) with Retry-After closes the gate until that time;
//  - X-RateLimit-Remaining / X-RateLimit-Reset give a request budget for the current window.
//    We count it down ourselves as requests leave, and subtract requests still in flight when
//    a response reports the server's count, so four writers cannot overshoot the last few.

import { sleep } from '../sleep.js';

export interface WaitNotice {
  waitingMs: number;
  reason: string;
}

/** Retry-After: delay-seconds or an HTTP date. Returns epoch ms, or undefined. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return now + Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : date;
}

/**
 * X-RateLimit-Reset: Outreach sends the reset time as epoch seconds; delta seconds and epoch
 * milliseconds are accepted too, told apart by size. Returns epoch ms.
 */
export function parseReset(header: string | null, now: number): number | undefined {
  if (!header || !/^\d+(\.\d+)?$/.test(header.trim())) return undefined;
  const n = Number(header.trim());
  if (n > 1e12) return Math.ceil(n);
  if (n > 1e9) return Math.ceil(n * 1000);
  return now + Math.ceil(n * 1000);
}

/**
 * X-RateLimit-Remaining: one number, or several comma-separated ones when Outreach reports
 * several windows at once (PLATFORM-FACTS); the smallest is the budget. Undefined if unreadable.
 */
export function parseRemaining(header: string | null): number | undefined {
  if (header === null) return undefined;
  const parts = header.split(',').map((p) => p.trim());
  if (parts.length === 0 || !parts.every((p) => /^\d+$/.test(p))) return undefined;
  return Math.min(...parts.map(Number));
}

export class RateLimiter {
  /** Nothing may be sent before this epoch ms (Retry-After). */
  private closedUntil = 0;
  private closedReason = '';
  /** Requests we may still send in the current window; undefined = unknown (no limit seen). */
  private budget: number | undefined;
  private windowResetAt = 0;
  private inFlight = 0;
  private lastNotifiedUntil = 0;
  private readonly listeners = new Set<(notice: WaitNotice) => void>();

  constructor(private readonly now: () => number = Date.now) {}

  onWait(listener: (notice: WaitNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Waits until a request may leave, then counts it as sent (pair with settle()) and returns
   * true. Returns false, counting nothing, when `signal` aborts first: the request must not leave.
   */
  async acquire(signal?: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal?.aborted) return false;
      const now = this.now();
      let until = this.closedUntil;
      let reason = this.closedReason;
      if (this.budget !== undefined && this.budget <= 0) {
        if (this.windowResetAt > now) {
          if (this.windowResetAt > until) {
            until = this.windowResetAt;
            reason = 'Outreach request limit for this window reached';
          }
        } else {
          this.budget = undefined; // the window has reset: the next response tells the new count
        }
      }
      if (until <= now) break;
      this.notify(until, until - now, reason);
      await sleep(Math.max(1, until - now), signal);
    }
    if (this.budget !== undefined) this.budget -= 1;
    this.inFlight += 1;
    return true;
  }

  /** Records what a response says about the limits. Call once per acquire(), also on errors. */
  settle(response: { status: number; headers: Headers } | undefined): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (!response) return;
    const now = this.now();
    const remaining = parseRemaining(response.headers.get('x-ratelimit-remaining'));
    const resetAt = parseReset(response.headers.get('x-ratelimit-reset'), now);
    if (remaining !== undefined && resetAt !== undefined) {
      // Requests still in flight may or may not be counted in this figure: assume they are not.
      const fromServer = remaining - this.inFlight;
      const newWindow = resetAt > this.windowResetAt + 1000;
      this.budget = newWindow || this.budget === undefined ? fromServer : Math.min(this.budget, fromServer);
      if (newWindow) this.windowResetAt = resetAt;
    }
    if (response.status === 429 || response.status === 503) {
      const retryAt = parseRetryAfter(response.headers.get('retry-after'), now) ?? (response.status === 429 ? resetAt : undefined);
      if (retryAt !== undefined && retryAt > this.closedUntil) {
        this.closedUntil = retryAt;
        this.closedReason = response.status === 429 ? 'rate limited by Outreach' : 'Outreach is busy';
      } else if (retryAt === undefined && response.status === 429) {
        // No hint at all: wait a conservative minute rather than hammer the API.
        this.closedUntil = Math.max(this.closedUntil, now + 60_000);
        this.closedReason = 'rate limited by Outreach';
      }
    }
  }

  private notify(until: number, waitingMs: number, reason: string): void {
    // Several writers wait for the same moment: tell the user once per wait.
    if (Math.abs(until - this.lastNotifiedUntil) < 5) return;
    this.lastNotifiedUntil = until;
    for (const listener of this.listeners) listener({ waitingMs, reason });
  }
}
