// Randomised, seeded fault schedules against the dynamics store over real HTTP, through the real
// dynamics-web-api: 5xx, dropped connections (before and after the org did the work), answers
// later than the client's timeout, 429 with Retry-After, tokens expiring mid-run, and per-row
// failures inside a $batch (transient ones and a plug-in that blocks a row until an admin fixes
// it). After at most two re-runs the org must match the desired state, with nothing removed
// outside the plan, every effect journaled, the first snapshot restoring the state before, no
// request sent while a Retry-After was open, and never more than 8 requests in flight.
import { expect } from 'vitest';
import { startFakeDataverse, systemUserId, type FakeDataverse, type NetworkFault } from '../fakes/dataverseServer.js';
import {
  BASE_SEED, applyOnce, checkHistory, configFor, desiredState, hashSeed, listPairs, makeScenario, pairKey, prng, readJournal,
  describeSchedules, restoreOnce, snapshotPairs, snapshots, tempStateDir, type Effect, type RunRecord, type RunSetup, type ScheduleOutcome,
} from './harness.js';

const SCHEDULES = Number(process.env.FAULT_SCHEDULES_DYNAMICS ?? 40);
const FIELD = 'new_outreachuserid';
// Long enough that a busy CI machine does not time out ordinary answers; injected delays go well beyond it.
const TIMEOUT_MS = 500;

const dvError = (code: string, message: string) => ({ error: { code, message } });

/** The fault for the n-th request with this method and path, decided by the seed alone. */
function faultFor(seed: number, rate: number, method: string, path: string, n: number): NetworkFault | undefined {
  const rng = prng(hashSeed(seed, method, path.split('?')[0]!, n));
  if (!rng.chance(rate)) return undefined;
  // A throttle costs a real second of waiting and an expired token a new token: keep them rarer.
  if (rng.chance(0.06)) return { kind: 'throttle', retryAfterSeconds: 1 };
  if (rng.chance(0.1)) return { kind: 'expire-tokens' };
  const kinds = method === 'POST' ? ['503', '500', 'reset-before', 'reset-after', 'delay-after'] : ['503', '500', 'reset-before', 'delay-after'];
  switch (rng.pick(kinds)) {
    case '503': return { kind: 'status', status: 503, body: dvError('0x80040216', 'An unexpected error occurred.') };
    case '500': return { kind: 'status', status: 500, body: dvError('0x80044150', 'Generic SQL error.') };
    case 'delay-after': return { kind: 'delay-after', ms: TIMEOUT_MS + 300 };
    case 'reset-before': return { kind: 'reset-before' };
    default: return { kind: 'reset-after' };
  }
}

/** What the org's write history did to mapping pairs. */
function effectsOf(org: FakeDataverse, from = 0): Effect[] {
  const effects: Effect[] = [];
  for (const c of org.columnChanges.slice(from)) {
    if (c.column !== FIELD) continue;
    if (c.before !== null) effects.push({ action: 'remove', key: pairKey(c.id, Number(c.before)) });
    if (c.after !== null) effects.push({ action: 'add', key: pairKey(c.id, Number(c.after)) });
  }
  return effects;
}

async function runSchedule(index: number): Promise<ScheduleOutcome> {
  const seed = BASE_SEED * 1000 + 500 + index;
  const rng = prng(seed);
  // 3,000 users make more than 1,000 writes now and then: several batches, some in parallel.
  const crmUsers = rng.pick([12, 30, 60, 250, 420, 3000]);
  const scenario = makeScenario(rng, crmUsers, crmUsers + 5);
  const org = await startFakeDataverse();
  const state = tempStateDir();
  const why = (what: string) => `seed ${seed} (FAULT_SEED=${BASE_SEED}, schedule ${index}): ${what}`;
  try {
    for (let n = 1; n <= crmUsers; n++) {
      const live = scenario.live.find((p) => p.crm === n);
      org.addUser({ systemuserid: systemUserId(n), fullname: `User ${n}`, internalemailaddress: `u${n}@example.com`, isdisabled: false, [FIELD]: live ? live.outreach : null });
    }
    const before = scenario.live.map((p) => pairKey(systemUserId(p.crm), p.outreach)).sort();
    const desired = desiredState(scenario.desired, systemUserId);
    const wanted = desired.mappings.map((m) => pairKey(m.crmUserId, m.outreachUserId)).sort();

    // Per-row failures inside a batch: some transient (sent again in a later batch), some not.
    for (const p of scenario.desired) {
      if (!rng.chance(0.12)) continue;
      org.writeFailures.set(systemUserId(p.crm), rng.chance(0.5)
        ? { status: 503, code: '0x80044150', message: 'Generic SQL error.', times: 1 + rng.int(3) }
        : { status: 400, code: '0x80040265', message: 'blocked by a plug-in', times: 1 });
    }
    const rate = rng.pick([0.1, 0.25, 0.4]);
    let phase = 0;
    let faults = 0;
    let expiries = 0;
    const counts = new Map<string, number>();
    org.faultHook = (method, path) => {
      const rates = [rate, rate / 2, 0];
      const key = `${phase}\u0000${method}\u0000${path.split('?')[0]}`;
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      const fault = faultFor(seed * 7 + phase, rates[phase] ?? 0, method, path, n);
      if (fault) faults++;
      if (fault?.kind === 'expire-tokens') expiries++;
      return fault;
    };
    const setup: RunSetup = {
      spec: 'dynamics',
      // crm: dynamics, so snapshots and plans hold systemuserid GUIDs.
      config: { ...configFor(state.dir), crm: 'dynamics' },
      env: () => ({ ...org.env(), MAPSYNC_DYNAMICS_TIMEOUT_MS: String(TIMEOUT_MS), MAPSYNC_DYNAMICS_RETRY_MS: '2' }),
    };

    // The first apply, then at most two re-runs (each with fewer faults, the last with none).
    const runs: RunRecord[] = [];
    for (phase = 0; phase < 3; phase++) {
      // A plug-in that blocked a row is fixed by an admin before the last run.
      if (phase === 2) org.writeFailures.clear();
      const run = await applyOnce(setup, desired);
      runs.push(run);
      if (!run.error && run.failed === 0) break;
    }
    phase = 3;
    org.faultHook = undefined;
    expect(await listPairs(setup), why(`live equals desired after ${runs.length} run(s): ${JSON.stringify(runs.map((r) => r.error ?? `${r.failed} failed`))}`)).toEqual(wanted);

    expect(checkHistory(effectsOf(org), runs.find((r) => r.plan)?.plan, readJournal(state.dir)), why('write history and journal')).toEqual([]);
    expect(org.earlyRequests.map((r) => `${r.method} ${r.path.slice(0, 60)}`), why('nothing sent while a Retry-After was open')).toEqual([]);
    expect(org.maxInFlight, why('requests in flight')).toBeLessThanOrEqual(8);
    // One token a run (the listing after the runs included), plus one for each expiry.
    expect(org.tokenRequests.length, why('token requests')).toBeLessThanOrEqual(runs.length + 1 + expiries);

    // The first snapshot holds the state before anything was written, and restores it.
    const first = snapshots(state.dir)[0];
    if (wanted.join() !== before.join()) {
      expect(first, why('a snapshot was written')).toBeDefined();
      expect(snapshotPairs(first!), why('the first snapshot is the state before')).toEqual(before);
      const historyBefore = org.columnChanges.length;
      const journalBefore = readJournal(state.dir).length;
      const restored = await restoreOnce(setup, first!);
      expect(restored.error, why('restore')).toBeUndefined();
      expect(await listPairs(setup), why('restore brings back the state before')).toEqual(before);
      const restoreProblems = checkHistory(effectsOf(org, historyBefore), restored.plan, readJournal(state.dir).slice(journalBefore));
      expect(restoreProblems, why('restore history')).toEqual([]);
    }
    return { seed, runs, faults };
  } finally {
    await org.close();
    state.cleanup();
  }
}

describeSchedules('dynamics', SCHEDULES, 4, runSchedule);
