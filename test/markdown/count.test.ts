// The one number format is written by hand (src/markdown/escape.ts: ICU's first toLocaleString
// costs every start ~20 ms); it must stay exactly what en-US's toLocaleString writes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { count, plural } from '../../dist/markdown/escape.js';

describe('count', () => {
  it('writes every number as toLocaleString("en-US") does', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.integer({ min: -1e6, max: 1e6 }), fc.double(), fc.constantFrom(0, -0, 999, 1000, 999_999, 1_000_000, -1000, 2 ** 53, -(2 ** 53), 1e21, Infinity, NaN, 0.5)), (n) => {
        expect(count(n)).toBe(n.toLocaleString('en-US'));
      }),
      { numRuns: 5000 },
    );
  });

  it('groups thousands', () => {
    expect([0, 7, 999, 1000, 20_000, 1_234_567, -45_000].map(count)).toEqual(['0', '7', '999', '1,000', '20,000', '1,234,567', '-45,000']);
    expect(plural(20_000, 'change')).toBe('20,000 changes');
  });
});
