// The dense bit of the writer: turning ordered changes into one field write per User.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldWrites } from '../../src/salesforce/writes.js';
import { parseOutreachId } from '../../src/salesforce/fieldValue.js';
import type { Change } from '../../src/model.js';

const id = (n: number) => `005Hs${String(n).padStart(10, '0')}AAA`;

describe('fieldWrites', () => {
  it('writes each User once: clears first, a remove + add becomes the new value, and every change is settled', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 30 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 30 }),
        (removed, added) => {
          const removes: Change[] = [...removed].sort((a, b) => a - b).map((n) => ({ action: 'remove', crmUserId: id(n), outreachUserId: n }));
          const adds: Change[] = [...added].sort((a, b) => a - b).map((n) => ({ action: 'add', crmUserId: id(n), outreachUserId: 1000 + n, file: 'mappings/a.yaml', line: n }));
          const changes = [...removes, ...adds];
          const writes = fieldWrites(changes);
          const users = writes.map((w) => w.crmUserId);
          expect(new Set(users).size).toBe(users.length);
          expect(writes.flatMap((w) => w.changeIndexes).sort((a, b) => a - b)).toEqual(changes.map((_, i) => i));
          const firstSet = writes.findIndex((w) => w.value !== null);
          if (firstSet >= 0) expect(writes.slice(firstSet).every((w) => w.value !== null)).toBe(true);
          for (const w of writes) {
            const add = adds.find((c) => c.crmUserId === w.crmUserId);
            expect(w.value).toBe(add ? String(add.outreachUserId) : null);
          }
        },
      ),
    );
  });
});

describe('parseOutreachId', () => {
  it('accepts whole numbers >= 1 as text or number and nothing else', () => {
    expect(['42', ' 7 ', 42, '0042'].map(parseOutreachId)).toEqual([42, 7, 42, 42]);
    expect(['0', 0, '-3', '4.5', 4.5, 'abc', '', '1e3', '99999999999999999999', null, true].map(parseOutreachId)).toEqual(new Array(11).fill(undefined));
  });
});
