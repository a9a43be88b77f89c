// The progress reporter: plain lines every 10% or 5 s in logs, wait notices, a bar on terminals.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressReporter } from '../../src/apply/progress.js';

function plain(total: number) {
  const lines: string[] = [];
  let clock = 0;
  const reporter = createProgressReporter({ total, isTTY: false, stream: new PassThrough(), line: (t) => lines.push(t), now: () => clock });
  return { reporter, lines, tick: (ms: number) => (clock += ms) };
}

describe('progress without a terminal', () => {
  it('prints a line at each new 10%, not for every change', () => {
    const { reporter, lines } = plain(1000);
    for (let done = 1; done <= 1000; done++) reporter.update({ done, total: 1000 });
    expect(lines).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900].map((n) => `${n}/1000 applied (${n / 10}%)`));
  });

  it('prints a line every 5 seconds when progress is slow', () => {
    const { reporter, lines, tick } = plain(10_000);
    reporter.update({ done: 1, total: 10_000 });
    tick(4_999);
    reporter.update({ done: 2, total: 10_000 });
    tick(1);
    reporter.update({ done: 3, total: 10_000 });
    expect(lines).toEqual(['3/10000 applied (0%)']);
  });

  it('says when the store waits, once per wait, even for small applies', () => {
    const { reporter, lines } = plain(5);
    reporter.update({ done: 2, total: 5, waitingMs: 31_500, reason: 'rate limited by Outreach' });
    reporter.update({ done: 2, total: 5, waitingMs: 31_500, reason: 'rate limited by Outreach' });
    reporter.update({ done: 3, total: 5 });
    expect(lines).toEqual(['2/5 applied; waiting 32s (rate limited by Outreach)']);
  });

  it('stays quiet for small applies', () => {
    const { reporter, lines } = plain(20);
    for (let done = 1; done <= 20; done++) reporter.update({ done, total: 20 });
    expect(lines).toEqual([]);
  });
});

describe('progress on a terminal', () => {
  it('draws a bar with the count and the wait reason', async () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
    let out = '';
    stream.on('data', (d: Buffer) => (out += d.toString()));
    const lines: string[] = [];
    const reporter = createProgressReporter({ total: 200, isTTY: true, stream, line: (t) => lines.push(t) });
    reporter.update({ done: 50, total: 200 });
    reporter.update({ done: 60, total: 200, waitingMs: 2000, reason: 'rate limited by Outreach' });
    // The bar redraws on its own timer (10 times a second) while the store waits.
    await new Promise((r) => setTimeout(r, 300));
    reporter.update({ done: 200, total: 200 });
    reporter.finish();
    expect(out).toContain('applying [');
    expect(out).toContain('200/200');
    expect(out).toContain('waiting 2s (rate limited by Outreach)');
    expect(lines).toEqual([]);
  });
});
