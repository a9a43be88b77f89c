// Property: whatever the live store holds (duplicates included), applying the plan — removes,
// then adds — leaves exactly the desired pairs, and every change is needed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computePlan } from '../../src/plan/computePlan.js';
import { SAFETY, crmId, desired, live } from './fixtures.js';

const key = (p: { crmUserId: string; outreachUserId: number }) => `${p.crmUserId}\t${p.outreachUserId}`;

// Desired: unique CRM users and unique Outreach users (what validation guarantees).
const desiredPairs = fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 })), {
  selector: ([crm]) => crm,
  maxLength: 25,
}).map((pairs) => {
  const seenOutreach = new Set<number>();
  return pairs.filter(([, o]) => !seenOutreach.has(o) && seenOutreach.add(o));
});
// Live: anything, including the same user twice and the same pair twice.
const livePairs = fc.array(fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 })), { maxLength: 40 });

describe('computePlan converges', () => {
  it('removes then adds turn live into desired, with no needless change', async () => {
    await fc.assert(fc.asyncProperty(desiredPairs, livePairs, async (want, have) => {
      const plan = await computePlan({ storeSpec: 'file:x', directories: {}, safety: SAFETY, desired: desired(want), live: live(have) });
      const state = new Set(have.map(([c, o]) => key({ crmUserId: crmId(c), outreachUserId: o })));
      const liveBefore = new Set(state);
      let seenAdd = false;
      for (const change of plan.changes) {
        if (change.action === 'remove') {
          expect(seenAdd).toBe(false);
          expect(state.delete(key(change))).toBe(true);
        } else {
          seenAdd = true;
          expect(liveBefore.has(key(change))).toBe(false);
          state.add(key(change));
        }
      }
      const target = new Set(want.map(([c, o]) => key({ crmUserId: crmId(c), outreachUserId: o })));
      expect([...state].sort()).toEqual([...target].sort());
      expect(plan.summary.unchanged).toBe([...target].filter((k) => liveBefore.has(k)).length);
      // Once applied, a second plan is empty.
      const again = await computePlan({ storeSpec: 'file:x', directories: {}, safety: SAFETY, desired: desired(want), live: { mappings: [...state].map((k) => ({ crmUserId: k.split('\t')[0]!, outreachUserId: Number(k.split('\t')[1]) })), warnings: [] } });
      expect(again.changes).toEqual([]);
      expect(again.liveFingerprint).toBe(again.desiredFingerprint);
    }), { numRuns: 300 });
  });
});
