import { describe, expect, it } from 'vitest';
import { failureLines } from '../../src/apply/report.js';
import type { ChangeResult } from '../../src/model.js';
import { crmId } from './seed.js';

function failed(n: number, error: (i: number) => string): ChangeResult[] {
  return Array.from({ length: n }, (_, i) => ({
    change: { action: 'add', crmUserId: crmId(i + 1), outreachUserId: i + 1, file: 'mappings/a.yaml', line: i + 2 },
    ok: false,
    error: error(i),
  }));
}

describe('failure lines of an apply', () => {
  it('names each failed change when there are few', () => {
    const lines = failureLines(failed(3, () => 'REQUEST_LIMIT_EXCEEDED'), '.mapsync/journal.jsonl');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`failed to add ${crmId(1)} <-> 1 (mappings/a.yaml:2): REQUEST_LIMIT_EXCEEDED`);
  });

  it('names the first 20, then counts the rest by reason and points at the journal', () => {
    const lines = failureLines(failed(250, (i) => (i % 2 ? 'API limit reached' : 'token expired')), '.mapsync/journal.jsonl');
    expect(lines).toHaveLength(20 + 2 + 1);
    expect(lines.slice(20)).toEqual([
      '115 more changes failed: token expired',
      '115 more changes failed: API limit reached',
      'every failed change is listed in .mapsync/journal.jsonl',
    ]);
  });
});
