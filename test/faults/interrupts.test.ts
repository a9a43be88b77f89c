// SIGINT / SIGTERM sent to the real CLI during `apply` and `restore`, at seeded moments, on every
// store (CONTRACT §3 "Interrupts"). Each schedule checks, against the fake servers' write
// histories (or the store file):
//  - exit 130 for SIGINT, 143 for SIGTERM; a second signal exits at once with its own code;
//  - the run stopped sending: few writes reached the server after the signal (those in flight);
//  - the journal matches what happened: every write that took effect is journaled (made, or
//    "outcome unknown"), no success is claimed that did not happen, and the run's last line is
//    `end` with "interrupted": true and counts that match its change lines;
//  - the one closing line says how many changes were made, the same number;
//  - the lock is released (no lock left in the state directory);
//  - a re-run converges: the live store ends up as desired (or as the snapshot, for restore).
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { userId } from '../fakes/salesforceServer.js';
import { makeProject } from '../helpers/cli.js';
import type { CliResult } from '../helpers/cli.js';
import { crmId } from '../outreach/helpers.js';
import { describeRun, fileStorePairs, journalLines, mappingsYaml, runCliIn, spawnCli } from './cli.js';
import {
  BASE_SEED, checkHistory, describeSchedules, makeScenario, pairKey, prng, snapshots, type Effect, type JournalChange, type Rng, type RunRecord,
} from './harness.js';
import { outreachOrg, salesforceOrg, writeRequests, type Org, type OrgFault } from './orgs.js';

const SCHEDULES = Number(process.env.FAULT_SCHEDULES_INTERRUPT ?? 6);
/** Short, so a schedule that waits out the grace period stays fast; answers held back go beyond it. */
const GRACE_MS = 400;
const HELD_ANSWER_MS = 1500;
/** Client timeouts above HELD_ANSWER_MS: a held answer is "no answer yet", not a timeout. */
const CLIENT_TIMEOUT_MS = 4000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Signal = 'SIGINT' | 'SIGTERM';
const codeOf = (signal: Signal) => (signal === 'SIGINT' ? 130 : 143);

/** What a schedule does: one signal (answers in flight held a little, or past the grace period), or two. */
type Mode = 'once' | 'grace' | 'twice';

interface RunLines {
  changes: JournalChange[];
  end: Record<string, unknown> | undefined;
}

/** The change lines and the end line of the journal's last run. */
function lastRun(stateDir: string): RunLines {
  const lines = journalLines(stateDir);
  const run = lines.at(-1)?.run;
  const mine = lines.filter((l) => l.run === run);
  return { changes: mine.filter((l) => l.event === 'change') as unknown as JournalChange[], end: mine.find((l) => l.event === 'end') };
}

/** Lock files and folders the run might have left in the state directory. */
function locksLeft(stateDir: string): string[] {
  return readdirSync(stateDir).filter((name) => /\.lock($|-owner)/.test(name) || name === 'outreach.lock');
}

/** The checks every singly interrupted run must pass (whatever the store). */
function checkInterrupted(run: CliResult, signal: Signal, stateDir: string, why: (what: string) => string): RunLines {
  expect(run.code, why(`exit code after ${signal}: ${describeRun(run)}`)).toBe(codeOf(signal));
  const lines = lastRun(stateDir);
  const made = lines.changes.filter((c) => c.ok).length;
  if (lines.end !== undefined) {
    expect(lines.end, why('end line')).toMatchObject({ interrupted: true, signal, made, failed: lines.changes.length - made });
  }
  const closing = run.stdout.split('\n').filter((l) => / interrupted \(SIG/.test(l));
  expect(closing, why(`one closing line: ${describeRun(run)}`)).toHaveLength(1);
  expect(closing[0], why('closing line counts')).toMatch(new RegExp(`interrupted \\(${signal}\\): ${made.toLocaleString('en-US')} of [\\d,]+ changes made`));
  expect(locksLeft(stateDir), why('lock released')).toEqual([]);
  return lines;
}

// ------------------------------------------------------------------ Salesforce and Outreach

async function remoteSchedule(kind: Org['kind'], index: number): Promise<RunRecord[]> {
  const seed = BASE_SEED * 1000 + (kind === 'salesforce' ? 600 : 650) + index;
  const rng: Rng = prng(seed);
  const mode: Mode = (['once', 'grace', 'twice'] as const)[index % 3]!;
  const verb = index % 2 === 1 ? 'restore' : 'apply';
  const signal: Signal = rng.chance(0.5) ? 'SIGINT' : 'SIGTERM';
  const why = (what: string) => `${kind} ${verb} ${mode} ${signal} seed ${seed} (FAULT_SEED=${BASE_SEED}, schedule ${index}): ${what}`;
  const size = kind === 'salesforce' ? rng.pick([2000, 2600]) : rng.pick([60, 90]);
  const scenario = makeScenario(rng, size, size);
  const toId = kind === 'salesforce' ? userId : crmId;
  const desired = scenario.desired.map((p) => ({ crmUserId: toId(p.crm), outreachUserId: p.outreach }));
  const wanted = desired.map((m) => pairKey(m.crmUserId, m.outreachUserId)).sort();
  const before = scenario.live.map((p) => pairKey(toId(p.crm), p.outreach)).sort();
  const org = kind === 'salesforce' ? await salesforceOrg(scenario) : await outreachOrg(scenario);
  const project = await makeProject({ 'mappings/team.yaml': mappingsYaml(desired) });
  const stateDir = join(project.dir, '.mapsync');
  mkdirSync(stateDir, { recursive: true });
  const env = {
    ...org.env,
    MAPSYNC_INTERRUPT_GRACE_MS: String(GRACE_MS),
    MAPSYNC_SALESFORCE_TIMEOUT_MS: String(CLIENT_TIMEOUT_MS),
    MAPSYNC_OUTREACH_TIMEOUT_MS: String(CLIENT_TIMEOUT_MS),
  };
  const runs: RunRecord[] = [];
  try {
    // restore: apply everything first, then interrupt the restore of the state before.
    let args = ['apply', '--store', kind, '--auto-approve', '--force'];
    let target = wanted;
    let requests = writeRequests(kind, scenario);
    if (verb === 'restore') {
      const applied = await runCliIn(args, project.dir, env);
      expect(applied.code, why(`the apply before the restore: ${describeRun(applied)}`)).toBe(0);
      args = ['restore', snapshots(stateDir)[0]!, '--auto-approve', '--force'];
      target = before;
      requests = writeRequests(kind, { ...scenario, live: scenario.desired, desired: scenario.live });
    }
    if (requests < 3) return runs; // too small to interrupt in the middle (the seed decides)
    const historyBefore = org.historyLength();
    const signalAt = 1 + rng.int(Math.max(1, Math.floor(requests / 2)));
    let writes = 0;
    let writesAtSignal = 0;
    const running = spawnCli(args, project.dir, env);
    org.setHook((method): OrgFault | undefined => {
      if (method !== 'PATCH') return undefined;
      writes++;
      if (writes !== signalAt) return undefined;
      writesAtSignal = writes;
      running.child.kill(signal);
      // The second signal comes while this write is still in flight: the CLI must exit at once.
      if (mode === 'twice') setTimeout(() => running.child.kill(signal), 100);
      // The answer is held back: this write is in flight while the signal is handled.
      return mode === 'once' ? 50 + rng.int(200) : HELD_ANSWER_MS;
    });
    const interrupted = await running.done;
    // Let held answers finish on the server before its history is read.
    await sleep(mode === 'grace' ? HELD_ANSWER_MS + 200 : 400);
    org.setHook(undefined);
    runs.push({ failed: 0 });
    const effects: Effect[] = org.effects(historyBefore);
    const lines = lastRun(stateDir);

    if (mode === 'twice' && interrupted.code === codeOf(signal) && lines.end === undefined) {
      // The second signal ended it at once: no end line, but nothing claimed that did not happen.
      for (const c of lines.changes.filter((l) => l.ok)) {
        expect(effects.some((e) => e.action === c.action && e.key === pairKey(c.crmUserId, c.outreachUserId)), why(`journal claims ${c.action} ${c.crmUserId} ${c.outreachUserId}`)).toBe(true);
      }
    } else {
      checkInterrupted(interrupted, signal, stateDir, why);
      expect(lines.end, why('end line written')).toBeDefined();
      expect(checkHistory(effects, undefined, lines.changes).filter((p) => !p.startsWith('removed')), why('journal matches the write history')).toEqual([]);
      // Stopped sending: only writes already in flight (up to the store's concurrency) arrive after the signal.
      expect(writes - writesAtSignal, why(`writes after the signal (${writes} of ${requests} requests)`)).toBeLessThanOrEqual(kind === 'outreach' ? 8 : 2);
      if (mode === 'grace') {
        expect(lines.changes.some((c) => /outcome unknown: no answer within/.test(c.error ?? '')), why(`the held write is journaled as outcome unknown: ${describeRun(interrupted)}`)).toBe(true);
      }
    }
    // Whatever happened, the next run converges: the lock is free (or a dead holder's is taken over).
    const rerun = await runCliIn(args, project.dir, env);
    runs.push({ failed: 0 });
    expect(rerun.code, why(`re-run: ${describeRun(rerun)}`)).toBe(0);
    expect(org.pairs(), why('live store as wanted after the re-run')).toEqual(target);
  } finally {
    org.setHook(undefined);
    await org.close();
    await project.cleanup();
  }
  return runs;
}

// ------------------------------------------------------------------ the file store

type FileMoment = 'snapshot' | 'journal-start' | 'journaling';

async function fileSchedule(index: number): Promise<RunRecord[]> {
  const seed = BASE_SEED * 1000 + 700 + index;
  const rng = prng(seed);
  const moment: FileMoment = (['snapshot', 'journal-start', 'journaling'] as const)[index % 3]!;
  const signal: Signal = rng.chance(0.5) ? 'SIGINT' : 'SIGTERM';
  const why = (what: string) => `file ${moment} ${signal} seed ${seed} (FAULT_SEED=${BASE_SEED}, schedule ${index}): ${what}`;
  const users = rng.pick([8000, 12000]);
  const scenario = makeScenario(rng, users, users);
  const live = scenario.live.map((p) => ({ crmUserId: userId(p.crm), outreachUserId: p.outreach }));
  const desired = scenario.desired.map((p) => ({ crmUserId: userId(p.crm), outreachUserId: p.outreach }));
  const before = live.map((m) => pairKey(m.crmUserId, m.outreachUserId)).sort();
  const wanted = desired.map((m) => pairKey(m.crmUserId, m.outreachUserId)).sort();
  const project = await makeProject({ 'mappings/team.yaml': mappingsYaml(desired) });
  const stateDir = join(project.dir, '.mapsync');
  const storePath = join(stateDir, 'live.json');
  const journal = join(stateDir, 'journal.jsonl');
  const runs: RunRecord[] = [];
  try {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(storePath, JSON.stringify({ mappings: live }, null, 2) + '\n');
    const args = ['apply', '--auto-approve', '--force'];
    const running = spawnCli(args, project.dir);
    let finished = false;
    void running.done.then(() => (finished = true));
    const reached = () => {
      if (moment === 'snapshot') return snapshots(stateDir).length > 0;
      if (!existsSync(journal)) return false;
      return moment === 'journal-start' || statSync(journal).size > 20_000;
    };
    while (!finished && !reached()) await sleep(2);
    running.child.kill(signal);
    const run = await running.done;
    runs.push({ failed: 0 });
    const now = fileStorePairs(storePath);
    const lines = lastRun(stateDir);
    if (run.code === 0) {
      // The signal came after the last outcome was journaled: the run had finished.
      expect(now, why('a finished run left the desired store')).toEqual(wanted);
    } else {
      checkInterrupted(run, signal, stateDir, why);
      // One atomic write: all of it or nothing, and the journal says which.
      const made = lines.changes.filter((c) => c.ok).length;
      expect(now, why(`store after the interrupt (${made} made)`)).toEqual(made > 0 ? wanted : before);
    }
    const rerun = await runCliIn(args, project.dir);
    runs.push({ failed: 0 });
    expect(rerun.code, why(`re-run: ${describeRun(rerun)}`)).toBe(0);
    expect(fileStorePairs(storePath), why('desired after the re-run')).toEqual(wanted);
  } finally {
    await project.cleanup();
  }
  return runs;
}

const outcome = (seed: number) => (runs: RunRecord[]) => ({ seed, runs, faults: runs.length > 0 ? 1 : 0 });
// Each schedule is two to four CLI runs; a loaded CI machine needs more than the default minute for a group.
const GROUP_TIMEOUT_MS = 240_000;
describeSchedules('file (interrupts)', SCHEDULES, 2, (i) => fileSchedule(i).then(outcome(i)), GROUP_TIMEOUT_MS);
describeSchedules('salesforce (interrupts)', SCHEDULES, 2, (i) => remoteSchedule('salesforce', i).then(outcome(i)), GROUP_TIMEOUT_MS);
describeSchedules('outreach (interrupts)', SCHEDULES, 2, (i) => remoteSchedule('outreach', i).then(outcome(i)), GROUP_TIMEOUT_MS);
