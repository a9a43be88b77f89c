// Seeded schedules against the file store, in-process: several applies of the same change racing
// for the store (the fault a CI re-run or an impatient admin causes), the losers refused by the
// lock or the stale-plan check. Whatever the interleaving: no apply is half-done, each change is
// journaled as done exactly once, a re-run converges, and the first snapshot restores.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { userId } from '../fakes/salesforceServer.js';
import {
  BASE_SEED, applyOnce, configFor, desiredState, listPairs, makeScenario, pairKey, prng, readJournal, restoreOnce, snapshotPairs,
  snapshots, tempStateDir, type RunRecord, type RunSetup,
} from './harness.js';

const SCHEDULES = Number(process.env.FAULT_SCHEDULES_FILE ?? 30);

async function runSchedule(index: number): Promise<{ racers: number; winners: number }> {
  const seed = BASE_SEED * 1000 + 700 + index;
  const rng = prng(seed);
  const why = (what: string) => `seed ${seed} (FAULT_SEED=${BASE_SEED}, schedule ${index}): ${what}`;
  const size = rng.pick([10, 40, 150, 400]);
  const scenario = makeScenario(rng, size, size);
  const state = tempStateDir();
  try {
    const storePath = join(state.dir, 'live.json');
    writeFileSync(storePath, JSON.stringify({ mappings: scenario.live.map((p) => ({ crmUserId: userId(p.crm), outreachUserId: p.outreach })) }));
    const setup: RunSetup = { spec: `file:${storePath}`, config: configFor(state.dir), env: () => ({}) };
    const desired = desiredState(scenario.desired, userId);
    const before = scenario.live.map((p) => pairKey(userId(p.crm), p.outreach)).sort();
    const wanted = desired.mappings.map((m) => pairKey(m.crmUserId, m.outreachUserId)).sort();

    const racers = 2 + rng.int(3);
    const raced: RunRecord[] = await Promise.all(Array.from({ length: racers }, () => applyOnce(setup, desired)));
    for (const r of raced) {
      if (r.error) expect(r.error, why('a losing apply is refused by the lock or the stale-plan check')).toMatch(/is locked by another apply|the live store changed since this plan was made/);
      expect(r.failed, why('no apply is half-done')).toBe(0);
    }
    // The store file is whole and holds the old or the new mappings.
    const now = (JSON.parse(readFileSync(storePath, 'utf8')) as { mappings: { crmUserId: string; outreachUserId: number }[] }).mappings.map((m) => pairKey(m.crmUserId, m.outreachUserId)).sort();
    expect([before.join(), wanted.join()], why('store is old or new')).toContain(now.join());
    let reruns = 0;
    while ((await listPairs(setup)).join() !== wanted.join() && reruns < 2) {
      reruns++;
      const r = await applyOnce(setup, desired);
      expect(r.error, why(`re-run ${reruns}`)).toBeUndefined();
    }
    expect(await listPairs(setup), why('live equals desired')).toEqual(wanted);

    // Each change is journaled as done exactly once, and nothing else is.
    const done = readJournal(state.dir).filter((j) => j.ok).map((j) => `${j.action} ${pairKey(j.crmUserId, j.outreachUserId)}`).sort();
    const expected = [...before.filter((k) => !wanted.includes(k)).map((k) => `remove ${k}`), ...wanted.filter((k) => !before.includes(k)).map((k) => `add ${k}`)].sort();
    expect(done, why('journal: every change done exactly once')).toEqual(expected);

    if (before.join() !== wanted.join()) {
      const first = snapshots(state.dir)[0]!;
      expect(snapshotPairs(first), why('first snapshot is the state before')).toEqual(before);
      const restored = await restoreOnce(setup, first);
      expect(restored.failed, why('restore')).toBe(0);
      expect(await listPairs(setup), why('restore brings back the state before')).toEqual(before);
    }
    return { racers, winners: raced.filter((r) => !r.error && (r.plan?.changes.length ?? 0) > 0).length };
  } finally {
    state.cleanup();
  }
}

describe(`file store: ${SCHEDULES} seeded schedules of racing applies`, () => {
  const stats = { racers: 0, winners: 0 };
  afterAll(() => {
    process.stdout.write(`file store race schedules: ${SCHEDULES}, applies started ${stats.racers}, applies that changed the store ${stats.winners}\n`);
  });
  for (let start = 0; start < SCHEDULES; start += 5) {
    it(`schedules ${start}–${Math.min(SCHEDULES, start + 5) - 1}: one apply wins, the rest are refused, re-run converges, journal exact, restore`, async () => {
      for (let i = start; i < Math.min(SCHEDULES, start + 5); i++) {
        const r = await runSchedule(i);
        stats.racers += r.racers;
        stats.winners += r.winners;
      }
    });
  }
});
