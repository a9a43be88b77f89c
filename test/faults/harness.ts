// The fault-injection harness: seeded scenarios (live state, desired state), seeded fault
// schedules, and the checks every schedule must pass — run against the compiled stores and
// engines in dist/, the code the CLI runs.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../dist/apply/applyPlan.js';
import { planRestore } from '../../dist/apply/restore.js';
import { DEFAULT_CONFIG } from '../../dist/config.js';
import { computePlan } from '../../dist/plan/computePlan.js';
import { openStore } from '../../dist/stores/index.js';
import type { Config } from '../../src/config.js';
import type { DesiredState, Plan } from '../../src/model.js';
import type { MappingStore } from '../../src/stores/store.js';

// ---------------------------------------------------------------- seeded randomness

/** mulberry32: tiny, fast, and the same sequence for the same seed on every machine. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    pick<T>(items: readonly T[]): T {
      return items[Math.floor(next() * items.length)]!;
    },
    shuffle<T>(items: T[]): T[] {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [items[i], items[j]] = [items[j]!, items[i]!];
      }
      return items;
    },
  };
}
export type Rng = ReturnType<typeof prng>;

/** A number that depends only on its parts: fault decisions that do not depend on request interleaving. */
export function hashSeed(...parts: (string | number)[]): number {
  let h = 2166136261;
  for (const ch of parts.join('\u0000')) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/** The base seed: FAULT_SEED=n reproduces a printed failure; otherwise fixed, so CI is repeatable. */
export const BASE_SEED = Number(process.env.FAULT_SEED ?? 20261124);

// ---------------------------------------------------------------- scenarios

export interface Pair {
  crm: number;
  outreach: number;
}

export interface Scenario {
  crmUsers: number;
  outreachUsers: number;
  live: Pair[];
  desired: Pair[];
}

/**
 * A live matching of CRM to Outreach users, and a desired one derived from it: some pairs kept,
 * some removed, some re-pointed (either side), some new.
 */
/** Finds, call after call, the first of `ids` not in `used` (nor in `skip`); `used` may only grow. */
function firstFree(ids: readonly number[], used: ReadonlySet<number>, skip?: ReadonlySet<number>): () => number | undefined {
  let at = 0;
  return () => {
    while (at < ids.length && (used.has(ids[at]!) || skip?.has(ids[at]!))) at++;
    return ids[at];
  };
}

export function makeScenario(rng: Rng, crmUsers: number, outreachUsers: number): Scenario {
  const crmIds = rng.shuffle(Array.from({ length: crmUsers }, (_, i) => i + 1));
  const outIds = rng.shuffle(Array.from({ length: outreachUsers }, (_, i) => i + 1));
  const liveCount = rng.int(Math.min(crmUsers, outreachUsers) * 0.7 + 1);
  const live: Pair[] = [];
  for (let i = 0; i < liveCount; i++) live.push({ crm: crmIds[i]!, outreach: outIds[i]! });
  const usedCrm = new Set<number>();
  const usedOut = new Set<number>();
  const desired: Pair[] = [];
  const take = (p: Pair) => {
    if (usedCrm.has(p.crm) || usedOut.has(p.outreach)) return;
    usedCrm.add(p.crm);
    usedOut.add(p.outreach);
    desired.push(p);
  };
  // The first ID (in shuffled order) that is unused and not live. An ID once used stays used and
  // the live pairs are fixed, so the next one found is never before the last: a cursor finds the
  // same IDs as a scan from the start, in linear rather than cubic time (seconds at 6,000 users).
  const liveCrm = new Set(live.map((p) => p.crm));
  const liveOut = new Set(live.map((p) => p.outreach));
  const freeOut = firstFree(outIds, usedOut, liveOut);
  const freeCrm = firstFree(crmIds, usedCrm, liveCrm);
  for (const p of live) {
    const r = rng.next();
    if (r < 0.55) take(p);
    else if (r < 0.7) continue; // removed
    else if (r < 0.85) {
      const o = freeOut();
      if (o !== undefined) take({ crm: p.crm, outreach: o });
    } else {
      const c = freeCrm();
      if (c !== undefined) take({ crm: c, outreach: p.outreach });
    }
  }
  // Swaps between two live pairs: the hardest order (each add needs the other's remove first).
  const kept = desired.slice();
  if (kept.length >= 2 && rng.chance(0.5)) {
    const [a, b] = [kept[0]!, kept[1]!];
    desired.splice(desired.indexOf(a), 1);
    desired.splice(desired.indexOf(b), 1);
    desired.push({ crm: a.crm, outreach: b.outreach }, { crm: b.crm, outreach: a.outreach });
  }
  const adds = rng.int(Math.max(2, Math.floor(crmUsers / 5)));
  const unusedCrm = firstFree(crmIds, usedCrm);
  const unusedOut = firstFree(outIds, usedOut);
  for (let i = 0; i < adds; i++) {
    const c = unusedCrm();
    const o = unusedOut();
    if (c === undefined || o === undefined) break;
    take({ crm: c, outreach: o });
  }
  return { crmUsers, outreachUsers, live, desired };
}

export const pairKey = (crmUserId: string, outreachUserId: number) => `${crmUserId}\t${outreachUserId}`;

export function desiredState(pairs: readonly Pair[], crmId: (n: number) => string): DesiredState {
  return {
    files: ['mappings/team.yaml'],
    mappings: pairs.map((p, i) => ({ crmUserId: crmId(p.crm), outreachUserId: p.outreach, location: { file: 'mappings/team.yaml', line: 2 + i * 2, column: 5 } })),
  };
}

// ---------------------------------------------------------------- running apply as the CLI would

export const silentLog = { info: () => undefined, warn: () => undefined, debug: () => undefined };
const devNull = () => new Writable({ write: (_chunk, _enc, done) => done() });

export function tempStateDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mapsync-faults-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RunRecord {
  plan?: Plan;
  error?: string;
  failed: number;
}

export interface RunSetup {
  spec: string;
  config: Config;
  /** A fresh environment per run, as a new CLI process would have (no session reused). */
  env: () => NodeJS.ProcessEnv;
}

/** One `apply --auto-approve --force` the way the CLI runs it: open, list, plan, apply, close. */
export async function applyOnce(setup: RunSetup, desired: DesiredState): Promise<RunRecord> {
  const env = setup.env();
  let store: MappingStore | undefined;
  let plan: Plan | undefined;
  try {
    store = (await openStore(setup.spec, { config: setup.config, env, log: silentLog })) as MappingStore;
    const live = await store.list();
    plan = (await computePlan({ storeSpec: store.spec, desired, live, directories: store.directories(), safety: setup.config.safety })) as Plan;
    if (plan.errors?.length) return { plan, error: `plan errors: ${JSON.stringify(plan.errors)}`, failed: 0 };
    const outcome = await applyPlan({
      plan, store, stateDir: setup.config.stateDir, safety: setup.config.safety, force: true, env,
      progress: { stream: devNull(), isTTY: false, line: () => undefined },
    });
    return { plan, failed: outcome.failed.length };
  } catch (err) {
    return { plan, error: (err as Error).message, failed: 0 };
  } finally {
    await store?.close();
  }
}

/** `restore SNAPSHOT --auto-approve --force` through the same engines. */
export async function restoreOnce(setup: RunSetup, snapshot: string): Promise<RunRecord> {
  const env = setup.env();
  const store = (await openStore(setup.spec, { config: setup.config, env, log: silentLog })) as MappingStore;
  try {
    const { plan } = (await planRestore({ snapshot, store, context: { config: setup.config, env, log: silentLog }, safety: setup.config.safety })) as { plan: Plan };
    if (plan.changes.length === 0) return { plan, failed: 0 };
    const outcome = await applyPlan({
      plan, store, stateDir: setup.config.stateDir, safety: setup.config.safety, force: true, env,
      progress: { stream: devNull(), isTTY: false, line: () => undefined },
    });
    return { plan, failed: outcome.failed.length };
  } finally {
    await store.close();
  }
}

export async function listPairs(setup: RunSetup): Promise<string[]> {
  const store = (await openStore(setup.spec, { config: setup.config, env: setup.env(), log: silentLog })) as MappingStore;
  try {
    return (await store.list()).mappings.map((m) => pairKey(m.crmUserId, m.outreachUserId)).sort();
  } finally {
    await store.close();
  }
}

export function configFor(stateDir: string): Config {
  return { ...structuredClone(DEFAULT_CONFIG as Config), stateDir };
}

// ---------------------------------------------------------------- what a schedule must show

export interface JournalChange {
  run: string;
  action: 'add' | 'remove';
  crmUserId: string;
  outreachUserId: number;
  ok: boolean;
  error?: string;
}

export function readJournal(stateDir: string): JournalChange[] {
  let text: string;
  try {
    text = readFileSync(join(stateDir, 'journal.jsonl'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as JournalChange & { event: string })
    .filter((e) => e.event === 'change');
}

export function snapshots(stateDir: string): string[] {
  try {
    return readdirSync(join(stateDir, 'snapshots')).sort().map((f) => join(stateDir, 'snapshots', f));
  } catch {
    return [];
  }
}

export function snapshotPairs(path: string): string[] {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { mappings: { crmUserId: string; outreachUserId: number }[] };
  return doc.mappings.map((m) => pairKey(m.crmUserId, m.outreachUserId)).sort();
}

/** A pair that a write took away or put in place, as the fake server's history shows it. */
export interface Effect {
  action: 'add' | 'remove';
  key: string;
}

/**
 * The checks shared by every store: nothing was removed that the first plan did not remove;
 * every effect is in the journal, and the journal claims no success that did not happen.
 */
export function checkHistory(effects: readonly Effect[], firstPlan: Plan | undefined, journal: readonly JournalChange[]): string[] {
  const problems: string[] = [];
  const planned = new Set((firstPlan?.changes ?? []).filter((c) => c.action === 'remove').map((c) => pairKey(c.crmUserId, c.outreachUserId)));
  for (const e of effects) {
    if (e.action === 'remove' && !planned.has(e.key)) problems.push(`removed ${e.key}, which the plan did not remove`);
  }
  const journaled = new Map<string, JournalChange[]>();
  for (const j of journal) {
    const key = `${j.action}\t${pairKey(j.crmUserId, j.outreachUserId)}`;
    journaled.set(key, [...(journaled.get(key) ?? []), j]);
  }
  const happened = new Set(effects.map((e) => `${e.action}\t${e.key}`));
  for (const key of happened) {
    const lines = journaled.get(key) ?? [];
    if (lines.length === 0) problems.push(`${key.replace('\t', ' ')} took effect but is not in the journal`);
    else if (!lines.some((l) => l.ok || /outcome (is )?unknown/i.test(l.error ?? ''))) {
      problems.push(`${key.replace('\t', ' ')} took effect but the journal only says it failed: ${lines.map((l) => l.error).join(' | ')}`);
    }
  }
  for (const [key, lines] of journaled) {
    if (lines.some((l) => l.ok) && !happened.has(key)) problems.push(`the journal says ${key.replace('\t', ' ')} succeeded, but the store never saw it`);
  }
  return problems;
}

// ---------------------------------------------------------------- the suite driver

export interface ScheduleOutcome {
  seed: number;
  runs: RunRecord[];
  faults: number;
}

/**
 * Declares `count` seeded schedules for one store, run `group` at a time (so one schedule's
 * waiting time is used by another), and prints how many faults they injected. `timeoutMs`
 * overrides the test timeout for a group (schedules of several CLI runs each).
 */
export function describeSchedules(store: string, count: number, group: number, runSchedule: (index: number) => Promise<ScheduleOutcome>, timeoutMs?: number): void {
  describe(`${store} store under ${count} seeded fault schedules`, () => {
    const stats = { runs: 0, faults: 0, needRerun: 0 };
    afterAll(() => {
      process.stdout.write(`${store} fault schedules: ${count}, apply runs ${stats.runs}, faults injected ${stats.faults}, schedules that needed a re-run ${stats.needRerun}\n`);
    });
    for (let start = 0; start < count; start += group) {
      const indexes = Array.from({ length: Math.min(group, count - start) }, (_, i) => start + i);
      it(`schedules ${start}–${start + indexes.length - 1} converge, remove nothing unplanned, journal every effect, restore`, async () => {
        const results = await Promise.all(indexes.map((i) => runSchedule(i)));
        for (const r of results) {
          stats.runs += r.runs.length;
          stats.faults += r.faults;
          if (r.runs.length > 1) stats.needRerun++;
        }
      }, timeoutMs);
    }
  });
}

// ---------------------------------------------------------------- one schedule against a remote org

/** What a remote store's schedule needs from its fake org (Salesforce, Dynamics), as the test file adapts it. */
export interface FaultOrg<Fault> {
  /** The CRM user ID of test user n. */
  crmId(n: number): string;
  /** Adds test user n, mapped to Outreach user `outreach` or not mapped. */
  addUser(n: number, outreach: number | undefined): void;
  /** Writes of user n fail inside a batch: transiently (a later request succeeds), or until an admin fixes it. */
  failWrites(n: number, transient: boolean, rng: Rng): void;
  /** The admin's fix, before the last run. */
  clearWriteFailures(): void;
  setFaultHook(hook: ((method: string, path: string) => Fault | undefined) | undefined): void;
  /** How long the org's write history is now. */
  historyLength(): number;
  /** What the write history did to mapping pairs, from entry `from` on. */
  effects(from?: number): Effect[];
  setup: RunSetup;
  /** Checks of this org's own after the runs (limits, tokens); `injected` is every fault it got. */
  check?(runs: readonly RunRecord[], injected: readonly Fault[], why: (what: string) => string): void;
  close(): Promise<void>;
}

export interface OrgSchedule<Fault> {
  seed: number;
  /** The sizes of org a schedule picks from. */
  crmUserCounts: number[];
  startOrg(stateDir: string): Promise<FaultOrg<Fault>>;
  /** The fault for the n-th request with this method and path, decided by the seed alone. */
  faultFor(seed: number, rate: number, method: string, path: string, n: number): Fault | undefined;
}

/**
 * One seeded schedule against a remote store: an org with a random scenario, per-row failures
 * inside batches, network faults at a random rate; the first apply and at most two re-runs (each
 * with fewer faults, the last with none). The org must then match the desired state, every
 * effect be journaled and planned, and the first snapshot restore the state before.
 */
export async function runOrgSchedule<Fault>(schedule: OrgSchedule<Fault>, label: string): Promise<ScheduleOutcome> {
  const { seed } = schedule;
  const rng = prng(seed);
  const crmUsers = rng.pick(schedule.crmUserCounts);
  const scenario = makeScenario(rng, crmUsers, crmUsers + 5);
  const state = tempStateDir();
  const org = await schedule.startOrg(state.dir);
  const why = (what: string) => `seed ${seed} (FAULT_SEED=${BASE_SEED}, ${label}): ${what}`;
  try {
    for (let n = 1; n <= crmUsers; n++) org.addUser(n, scenario.live.find((p) => p.crm === n)?.outreach);
    const before = scenario.live.map((p) => pairKey(org.crmId(p.crm), p.outreach)).sort();
    const desired = desiredState(scenario.desired, (n) => org.crmId(n));
    const wanted = desired.mappings.map((m) => pairKey(m.crmUserId, m.outreachUserId)).sort();

    for (const p of scenario.desired) {
      if (!rng.chance(0.12)) continue;
      org.failWrites(p.crm, rng.chance(0.5), rng);
    }
    const rate = rng.pick([0.1, 0.25, 0.4]);
    let phase = 0;
    const injected: Fault[] = [];
    const counts = new Map<string, number>();
    org.setFaultHook((method, path) => {
      const rates = [rate, rate / 2, 0];
      const key = `${phase}\u0000${method}\u0000${path.split('?')[0]}`;
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      const fault = schedule.faultFor(seed * 7 + phase, rates[phase] ?? 0, method, path, n);
      if (fault) injected.push(fault);
      return fault;
    });

    const runs: RunRecord[] = [];
    for (phase = 0; phase < 3; phase++) {
      if (phase === 2) org.clearWriteFailures();
      const run = await applyOnce(org.setup, desired);
      runs.push(run);
      if (!run.error && run.failed === 0) break;
    }
    phase = 3;
    org.setFaultHook(undefined);
    expect(await listPairs(org.setup), why(`live equals desired after ${runs.length} run(s): ${JSON.stringify(runs.map((r) => r.error ?? `${r.failed} failed`))}`)).toEqual(wanted);
    expect(checkHistory(org.effects(), runs.find((r) => r.plan)?.plan, readJournal(state.dir)), why('write history and journal')).toEqual([]);
    org.check?.(runs, injected, why);

    // The first snapshot holds the state before anything was written, and restores it.
    const first = snapshots(state.dir)[0];
    if (wanted.join() !== before.join()) {
      expect(first, why('a snapshot was written')).toBeDefined();
      expect(snapshotPairs(first!), why('the first snapshot is the state before')).toEqual(before);
      const historyBefore = org.historyLength();
      const journalBefore = readJournal(state.dir).length;
      const restored = await restoreOnce(org.setup, first!);
      expect(restored.error, why('restore')).toBeUndefined();
      expect(await listPairs(org.setup), why('restore brings back the state before')).toEqual(before);
      expect(checkHistory(org.effects(historyBefore), restored.plan, readJournal(state.dir).slice(journalBefore)), why('restore history')).toEqual([]);
    }
    return { seed, runs, faults: injected.length };
  } finally {
    await org.close();
    state.cleanup();
  }
}
