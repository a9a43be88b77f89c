// The rate-limit gate's header parsing and budget, with the compiled module.
import { describe, expect, it } from 'vitest';
import { RateLimiter, parseReset, parseRetryAfter } from '../../dist/outreach/rateLimiter.js';

const headers = (h: Record<string, string>) => new Headers(h);

describe('rate-limit headers', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('2', 1_000)).toBe(3_000);
    expect(parseRetryAfter('0.5', 1_000)).toBe(1_500);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', 0)).toBe(Date.parse('2026-10-21T07:28:00Z'));
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });

  it('reads X-RateLimit-Reset as epoch seconds, epoch milliseconds or seconds from now', () => {
    expect(parseReset('1764000000', 0)).toBe(1_764_000_000_000);
    expect(parseReset('1764000000123', 0)).toBe(1_764_000_000_123);
    expect(parseReset('30', 5_000)).toBe(35_000);
    expect(parseReset('', 0)).toBeUndefined();
  });
});

describe('the gate', () => {
  it('lets requests through while the budget lasts, counting requests in flight', async () => {
    const limiter = new RateLimiter();
    const reset = String(Math.ceil(Date.now() / 1000) + 3600);
    await limiter.acquire();
    await limiter.acquire(); // two in flight
    limiter.settle({ status: 200, headers: headers({ 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': reset }) });
    // 3 left on the server, one of ours possibly not counted yet: 2 may go.
    const waits: number[] = [];
    limiter.onWait((n: { waitingMs: number }) => waits.push(n.waitingMs));
    await limiter.acquire();
    await limiter.acquire();
    expect(waits).toEqual([]);
    let third = false;
    void limiter.acquire().then(() => (third = true));
    await new Promise((r) => setImmediate(r));
    expect(third).toBe(false);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(3_500_000);
  });

  it('holds every caller until Retry-After has passed', async () => {
    const limiter = new RateLimiter();
    await limiter.acquire();
    const allowedFrom = Date.now() + 200; // Retry-After counts from the response, which is later
    limiter.settle({ status: 429, headers: headers({ 'retry-after': '0.2' }) });
    const released = await Promise.all([0, 1, 2].map(() => limiter.acquire().then(() => Date.now())));
    for (const at of released) expect(at).toBeGreaterThanOrEqual(allowedFrom);
  });
});

describe('X-RateLimit-Remaining with several windows', () => {
  it.each([
    ['3', 3],
    ['9999, 19988', 9999],
    ['19988,9999', 9999],
    [' 5 , 0 , 7 ', 0],
    ['', undefined],
    ['5, x', undefined],
    ['-1', undefined],
    ['1.5', undefined],
  ])('%j → %j', async (header, budget) => {
    const { parseRemaining } = await import('../../dist/outreach/rateLimiter.js');
    expect(parseRemaining(header)).toBe(budget);
  });
});
