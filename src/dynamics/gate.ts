// One gate in front of every request to the org, shared by all concurrent senders: at most
// `limit` requests in flight, and after a 429 nothing leaves until its Retry-After has passed —
// for the whole org, not only for the request that was throttled.
import { sleep } from '../sleep.js';

export interface WaitNotice {
  waitingMs: number;
  reason: string;
}

export class OrgGate {
  private inFlight = 0;
  private readonly queue: (() => void)[] = [];
  private closedUntil = 0;
  private lastNotified = 0;
  private readonly listeners = new Set<(notice: WaitNotice) => void>();

  constructor(readonly limit: number) {}

  onWait(listener: (notice: WaitNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Closes the gate until `untilMs` (epoch ms); never shortens a wait already ordered. */
  closeUntil(untilMs: number): void {
    this.closedUntil = Math.max(this.closedUntil, untilMs);
  }

  /**
   * Runs `send` once a slot is free and the org allows requests again. When `signal` aborts
   * during the Retry-After wait, `send` is not called and `stopped` is thrown instead.
   */
  async run<T>(send: () => Promise<T>, signal?: AbortSignal, stopped?: () => Error): Promise<T> {
    if (this.inFlight >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.inFlight += 1;
    try {
      // Wait inside the slot: a request that waits for Retry-After still counts as in flight.
      for (let now = Date.now(); this.closedUntil > now; now = Date.now()) {
        this.notify(this.closedUntil - now);
        await sleep(this.closedUntil - now, signal);
        if (signal?.aborted && stopped) throw stopped();
      }
      return await send();
    } finally {
      const next = this.queue.shift();
      if (next) next(); // the slot passes to the next waiter as it is
      else this.inFlight -= 1;
    }
  }

  private notify(waitingMs: number): void {
    // Several senders wait for the same moment: tell the user once per wait.
    if (this.lastNotified === this.closedUntil) return;
    this.lastNotified = this.closedUntil;
    for (const listener of this.listeners) listener({ waitingMs, reason: 'rate limited by Dynamics 365 (Retry-After)' });
  }
}

/** Retry-After in seconds (what Dataverse sends) or an HTTP date; epoch ms, or undefined. */
export function retryAfterMs(header: unknown, now = Date.now()): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return now + Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : date;
}
