// Randomised, seeded fault schedules against the outreach store over real HTTP: 5xx, 429 with a
// short Retry-After, dropped connections (before and after Outreach did the work), answers later
// than the client's timeout, and refused single writes (422). After at most two re-runs the users'
// field must match the desired state, with nothing removed outside the plan, every effect
// journaled, and the first snapshot restoring. (Writes already in flight when a 429 arrives reach
// the server inside its window by nature; the rate-limit gate itself is tested in test/outreach.)
import { expect } from 'vitest';
import { startFakeOutreach, type FakeOutreach, type NetworkFault } from '../fakes/outreachServer.js';
import { crmId } from '../outreach/helpers.js';
import {
  BASE_SEED, applyOnce, checkHistory, configFor, desiredState, hashSeed, listPairs, makeScenario, pairKey, prng, readJournal,
  describeSchedules, restoreOnce, snapshotPairs, snapshots, tempStateDir, type Effect, type RunRecord, type RunSetup, type ScheduleOutcome,
} from './harness.js';

const SCHEDULES = Number(process.env.FAULT_SCHEDULES_OUTREACH ?? 90);
// Long enough that a busy CI machine does not time out ordinary answers; injected delays go well beyond it.
const TIMEOUT_MS = 500;

function faultFor(seed: number, rate: number, method: string, path: string, n: number): NetworkFault | undefined {
  const rng = prng(hashSeed(seed, method, path, n));
  if (!rng.chance(rate)) return undefined;
  const kinds = method === 'PATCH' ? ['500', '503', '429', 'reset-before', 'reset-after', 'delay-after', '422'] : ['500', '503', '429', 'reset-before', 'delay-after'];
  const kind = rng.pick(kinds);
  switch (kind) {
    case '500': return { kind: 'status', fault: { status: 500 } };
    case '503': return { kind: 'status', fault: { status: 503 } };
    // Retry-After kept tiny: mostly 0, sometimes a whole second.
    case '429': return { kind: 'status', fault: { status: 429, retryAfter: rng.chance(0.15) ? 1 : 0 } };
    case '422': return { kind: 'status', fault: { status: 422 } };
    case 'delay-after': return { kind: 'delay-after', ms: TIMEOUT_MS + 300 };
    case 'reset-before': return { kind: 'reset-before' };
    default: return { kind: 'reset-after' };
  }
}

function effectsOf(org: FakeOutreach, from = 0): Effect[] {
  const effects: Effect[] = [];
  for (const c of org.attributeChanges.slice(from)) {
    if (c.attribute !== 'custom1') continue;
    if (c.before !== null) effects.push({ action: 'remove', key: pairKey(String(c.before), c.id) });
    if (c.after !== null) effects.push({ action: 'add', key: pairKey(String(c.after), c.id) });
  }
  return effects;
}

async function runSchedule(index: number): Promise<ScheduleOutcome> {
  const seed = BASE_SEED * 1000 + 500 + index;
  const rng = prng(seed);
  const outreachUsers = rng.pick([10, 25, 50, 120]);
  const scenario = makeScenario(rng, outreachUsers + 5, outreachUsers);
  const users = Array.from({ length: outreachUsers }, (_, i) => {
    const id = i + 1;
    const live = scenario.live.find((p) => p.outreach === id);
    return { id, firstName: `First${id}`, lastName: `Last${id}`, email: `u${id}@example.com`, locked: false, custom1: live ? crmId(live.crm) : null };
  });
  const org = await startFakeOutreach({ users });
  const state = tempStateDir();
  const why = (what: string) => `seed ${seed} (FAULT_SEED=${BASE_SEED}, schedule ${index}): ${what}`;
  try {
    const before = scenario.live.map((p) => pairKey(crmId(p.crm), p.outreach)).sort();
    const desired = desiredState(scenario.desired, crmId);
    const wanted = desired.mappings.map((m) => pairKey(m.crmUserId, m.outreachUserId)).sort();
    const rate = rng.pick([0.1, 0.2, 0.3]);
    let phase = 0;
    let faults = 0;
    // Counted per path, so a decision does not depend on how concurrent writes interleave.
    const counts = new Map<string, number>();
    org.faultHook = (method, path) => {
      const key = `${phase}\u0000${method}\u0000${path}`;
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      const fault = faultFor(seed * 7 + phase, [rate, rate / 2, 0][phase] ?? 0, method, path, n);
      if (fault) faults++;
      return fault;
    };
    let tokens = 0;
    const setup: RunSetup = {
      spec: 'outreach',
      config: configFor(state.dir),
      env: () => {
        // A fresh token per run: a new CLI process, a new client (nothing cached between runs).
        const token = `fault-token-${seed}-${++tokens}`;
        org.validTokens.add(token);
        return { OUTREACH_API_URL: org.apiUrl, OUTREACH_ACCESS_TOKEN: token, MAPSYNC_OUTREACH_TIMEOUT_MS: String(TIMEOUT_MS), MAPSYNC_OUTREACH_RETRY_MS: '2' };
      },
    };

    const runs: RunRecord[] = [];
    for (phase = 0; phase < 3; phase++) {
      const run = await applyOnce(setup, desired);
      runs.push(run);
      if (!run.error && run.failed === 0) break;
    }
    phase = 3;
    expect(await listPairs(setup), why(`live equals desired after ${runs.length} run(s): ${JSON.stringify(runs.map((r) => r.error ?? `${r.failed} failed`))}`)).toEqual(wanted);
    expect(checkHistory(effectsOf(org), runs.find((r) => r.plan)?.plan, readJournal(state.dir)), why('write history and journal')).toEqual([]);

    const first = snapshots(state.dir)[0];
    if (wanted.join() !== before.join()) {
      expect(first, why('a snapshot was written')).toBeDefined();
      expect(snapshotPairs(first!), why('the first snapshot is the state before')).toEqual(before);
      const historyBefore = org.attributeChanges.length;
      const journalBefore = readJournal(state.dir).length;
      const restored = await restoreOnce(setup, first!);
      expect(restored.error, why('restore')).toBeUndefined();
      expect(await listPairs(setup), why('restore brings back the state before')).toEqual(before);
      expect(checkHistory(effectsOf(org, historyBefore), restored.plan, readJournal(state.dir).slice(journalBefore)), why('restore history')).toEqual([]);
    }
    return { seed, runs, faults };
  } finally {
    await org.close();
    state.cleanup();
  }
}

describeSchedules('outreach', SCHEDULES, 6, runSchedule);
