// Randomised, seeded fault schedules against the salesforce store over real HTTP: 5xx, dropped
// connections (before and after the org did the work), answers later than the client's timeout,
// per-record failures inside a batch, and the org's API limit (a stop, not a retry). After at
// most two re-runs the org must match the desired state, with nothing removed outside the plan,
// every effect journaled, and the first snapshot restoring the state before.
import { expect } from 'vitest';
import { startFakeSalesforce, userId, type FakeSalesforce, type NetworkFault } from '../fakes/salesforceServer.js';
import {
  BASE_SEED, applyOnce, checkHistory, configFor, desiredState, hashSeed, listPairs, makeScenario, pairKey, prng, readJournal,
  describeSchedules, restoreOnce, snapshotPairs, snapshots, tempStateDir, type Effect, type RunRecord, type RunSetup, type ScheduleOutcome,
} from './harness.js';

const SCHEDULES = Number(process.env.FAULT_SCHEDULES_SALESFORCE ?? 100);
const FIELD = 'Outreach_User_Id__c';
const TOKEN = 'sf-fault-token-00DFAKE';
// Long enough that a busy CI machine does not time out ordinary answers; injected delays go well beyond it.
const TIMEOUT_MS = 500;

const sfError = (errorCode: string, message: string) => [{ message, errorCode }];

/** The fault for the n-th request with this method and path, decided by the seed alone. */
function faultFor(seed: number, rate: number, method: string, path: string, n: number): NetworkFault | undefined {
  const rng = prng(hashSeed(seed, method, path.split('?')[0]!, n));
  if (!rng.chance(rate)) return undefined;
  const isWrite = method === 'PATCH';
  const kinds = isWrite ? ['503', '500', 'reset-before', 'reset-after', 'delay-after', 'limit'] : ['503', '500', 'reset-before', 'delay-after', 'limit'];
  // The org limit ends a run at once; keep it rarer than the faults a run rides out.
  const kind = rng.chance(0.08) ? 'limit' : rng.pick(kinds.filter((k) => k !== 'limit'));
  switch (kind) {
    case '503': return { kind: 'status', status: 503, body: sfError('SERVER_UNAVAILABLE', 'Server temporarily unavailable') };
    case '500': return { kind: 'status', status: 500, body: sfError('UNKNOWN_EXCEPTION', 'An unexpected error occurred') };
    case 'limit': return { kind: 'status', status: 403, body: sfError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.') };
    case 'delay-after': return { kind: 'delay-after', ms: TIMEOUT_MS + 300 };
    case 'reset-before': return { kind: 'reset-before' };
    default: return { kind: 'reset-after' };
  }
}

/** What the org's write history did to mapping pairs. */
function effectsOf(org: FakeSalesforce, from = 0): Effect[] {
  const effects: Effect[] = [];
  for (const c of org.fieldChanges.slice(from)) {
    if (c.field !== FIELD) continue;
    if (c.before !== null) effects.push({ action: 'remove', key: pairKey(c.id, Number(c.before)) });
    if (c.after !== null) effects.push({ action: 'add', key: pairKey(c.id, Number(c.after)) });
  }
  return effects;
}

async function runSchedule(index: number): Promise<ScheduleOutcome> {
  const seed = BASE_SEED * 1000 + index;
  const rng = prng(seed);
  const crmUsers = rng.pick([12, 30, 60, 250, 420]);
  const scenario = makeScenario(rng, crmUsers, crmUsers + 5);
  const org = await startFakeSalesforce({ tokens: [TOKEN] });
  const state = tempStateDir();
  const why = (what: string) => `seed ${seed} (FAULT_SEED=${BASE_SEED}, schedule ${index}): ${what}`;
  try {
    for (let n = 1; n <= crmUsers; n++) {
      const live = scenario.live.find((p) => p.crm === n);
      org.addUser({ Id: userId(n), Name: `User ${n}`, Email: `u${n}@example.com`, IsActive: true, [FIELD]: live ? String(live.outreach) : null });
    }
    const before = scenario.live.map((p) => pairKey(userId(p.crm), p.outreach)).sort();
    const desired = desiredState(scenario.desired, userId);
    const wanted = desired.mappings.map((m) => pairKey(m.crmUserId, m.outreachUserId)).sort();

    // Per-record failures inside a batch: some transient (retried in a later request), some not.
    for (const p of scenario.desired) {
      if (!rng.chance(0.12)) continue;
      const transient = rng.chance(0.5);
      org.writeFailures.set(userId(p.crm), transient
        ? { statusCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record', times: 1 + rng.int(3) }
        : { statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'blocked by a validation rule', times: 1 });
    }
    const rate = rng.pick([0.1, 0.25, 0.4]);
    let phase = 0;
    let faults = 0;
    const counts = new Map<string, number>();
    org.faultHook = (method, path) => {
      const rates = [rate, rate / 2, 0];
      const key = `${phase}\u0000${method}\u0000${path.split('?')[0]}`;
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      const fault = faultFor(seed * 7 + phase, rates[phase] ?? 0, method, path, n);
      if (fault) faults++;
      return fault;
    };
    const setup: RunSetup = {
      spec: 'salesforce',
      config: configFor(state.dir),
      env: () => ({ SF_INSTANCE_URL: org.url, SF_ACCESS_TOKEN: TOKEN, MAPSYNC_SALESFORCE_TIMEOUT_MS: String(TIMEOUT_MS), MAPSYNC_SALESFORCE_RETRY_MS: '2' }),
    };

    // The first apply, then at most two re-runs (each with fewer faults, the last with none).
    const runs: RunRecord[] = [];
    for (phase = 0; phase < 3; phase++) {
      // A validation rule that blocked a record is fixed by an admin before the last run.
      if (phase === 2) org.writeFailures.clear();
      const run = await applyOnce(setup, desired);
      runs.push(run);
      if (!run.error && run.failed === 0) break;
    }
    phase = 3;
    const clean = () => undefined;
    org.faultHook = clean;
    expect(await listPairs(setup), why(`live equals desired after ${runs.length} run(s): ${JSON.stringify(runs.map((r) => r.error ?? `${r.failed} failed`))}`)).toEqual(wanted);

    const problems = checkHistory(effectsOf(org), runs.find((r) => r.plan)?.plan, readJournal(state.dir));
    expect(problems, why('write history and journal')).toEqual([]);

    // The first snapshot holds the state before anything was written, and restores it.
    const first = snapshots(state.dir)[0];
    if (wanted.join() !== before.join()) {
      expect(first, why('a snapshot was written')).toBeDefined();
      expect(snapshotPairs(first!), why('the first snapshot is the state before')).toEqual(before);
      const historyBefore = org.fieldChanges.length;
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

describeSchedules('salesforce', SCHEDULES, 5, runSchedule);
