// SIGKILL of the real CLI in the middle of `apply` against the file store, at seeded moments
// spread over the whole run (planning, snapshot, the write itself, the journal). Whatever the
// moment, the store file must be valid JSON holding exactly the old or the new mappings, the
// journal must have no torn line, a re-run must converge (the dead apply's lock is taken over),
// and `mapsync restore` of the first snapshot must bring the old mappings back.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject } from '../helpers/cli.js';
import { userId } from '../fakes/salesforceServer.js';
import { describeRun, fileStorePairs, journalLines, mappingsYaml, runCliIn, spawnCli } from './cli.js';
import { BASE_SEED, makeScenario, pairKey, prng, snapshotPairs, snapshots } from './harness.js';

const SCHEDULES = Number(process.env.FAULT_SCHEDULES_FILE_KILL ?? 16);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runSchedule(index: number): Promise<{ killedAt: number; outcome: 'old' | 'new' }> {
  const seed = BASE_SEED * 1000 + 800 + index;
  const rng = prng(seed);
  const why = (what: string) => `seed ${seed} (FAULT_SEED=${BASE_SEED}, schedule ${index}): ${what}`;
  // Big enough that an apply takes a while, so the kill lands anywhere in it.
  const users = rng.pick([1500, 3000, 6000]);
  const scenario = makeScenario(rng, users, users);
  const live = scenario.live.map((p) => ({ crmUserId: userId(p.crm), outreachUserId: p.outreach }));
  const desired = scenario.desired.map((p) => ({ crmUserId: userId(p.crm), outreachUserId: p.outreach }));
  const before = live.map((m) => pairKey(m.crmUserId, m.outreachUserId)).sort();
  const wanted = desired.map((m) => pairKey(m.crmUserId, m.outreachUserId)).sort();
  const project = await makeProject({ 'mappings/team.yaml': mappingsYaml(desired) });
  const store = join(project.dir, '.mapsync/live.json');
  const stateDir = join(project.dir, '.mapsync');
  try {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(store, JSON.stringify({ mappings: live }, null, 2) + '\n');

    const killedAt = 150 + rng.int(1400);
    const first = spawnCli(['apply', '--auto-approve', '--force'], project.dir);
    await sleep(killedAt);
    first.child.kill('SIGKILL');
    const killed = await first.done;

    // Exactly the old or the new mappings, never a torn or half-applied file.
    let now: string[];
    try {
      now = fileStorePairs(store);
    } catch (err) {
      throw new Error(why(`the store is not valid JSON after SIGKILL at ${killedAt} ms: ${(err as Error).message}`));
    }
    const outcome = now.join() === before.join() ? 'old' : now.join() === wanted.join() ? 'new' : undefined;
    expect(outcome, why(`store after SIGKILL at ${killedAt} ms is neither the old nor the new state (${describeRun(killed)})`)).toBeDefined();
    expect(() => journalLines(stateDir), why('journal lines parse')).not.toThrow();

    const rerun = await runCliIn(['apply', '--auto-approve', '--force'], project.dir);
    expect(rerun.code, why(`re-run converges: ${describeRun(rerun)}`)).toBe(0);
    expect(fileStorePairs(store), why('live equals desired after the re-run')).toEqual(wanted);

    if (before.join() !== wanted.join()) {
      const snapshot = snapshots(stateDir)[0];
      expect(snapshot, why('a snapshot was written')).toBeDefined();
      expect(snapshotPairs(snapshot!), why('the first snapshot is the state before')).toEqual(before);
      const restored = await runCliIn(['restore', snapshot!, '--auto-approve', '--force'], project.dir);
      expect(restored.code, why(`restore: ${describeRun(restored)}`)).toBe(0);
      expect(fileStorePairs(store), why('restore brings back the state before')).toEqual(before);
    }
    return { killedAt, outcome: outcome! };
  } finally {
    await project.cleanup();
  }
}

describe(`file store: SIGKILL of apply at ${SCHEDULES} seeded moments`, () => {
  const seen = { old: 0, new: 0 };
  afterAll(() => {
    process.stdout.write(`file store SIGKILL schedules: ${SCHEDULES}; store found old ${seen.old}×, new ${seen.new}×\n`);
  });
  for (let start = 0; start < SCHEDULES; start += 2) {
    it(`schedules ${start}–${start + 1}: store stays old-or-new, re-run converges, restore brings the old state back`, async () => {
      const results = await Promise.all([start, start + 1].filter((i) => i < SCHEDULES).map((i) => runSchedule(i)));
      for (const r of results) seen[r.outcome]++;
    });
  }
});
