// Locking and crashes: two applies never interleave, a lock held by a dead process does not
// block forever, and an apply killed with SIGKILL halfway leaves a valid store that a re-run
// brings to the desired state.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockStoreFile } from '../../src/stores/file/lock.js';
import { CLI, cleanEnv, makeProject, runCli, runCliProcess } from '../helpers/cli.js';
import { liveStore, livePairs, mappingYaml, pairStrings, pairs, STORE, type Pair } from './seed.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function project(desired: readonly Pair[], live: readonly Pair[]) {
  const p = await makeProject({ 'mappings/team.yaml': mappingYaml(desired), [STORE]: liveStore(live) });
  cleanups.push(p.cleanup);
  return p.dir;
}

describe('store lock', () => {
  it('refuses an apply while another holds the lock, and proceeds once it is released', async () => {
    const dir = await project(pairs(3), pairs(1));
    const release = await lockStoreFile(join(dir, STORE), STORE);
    let released = false;
    try {
      const before = await readFile(join(dir, STORE), 'utf8');
      const r = await runCli(['apply', '--auto-approve'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^error: \\.mapsync/live\\.json is locked by another apply \\(pid ${process.pid} on `, 'm'));
      expect(await readFile(join(dir, STORE), 'utf8')).toBe(before);
      await release();
      released = true;
      const after = await runCli(['apply', '--auto-approve'], { cwd: dir });
      expect(after.code, after.stderr).toBe(0);
      expect(await livePairs(dir)).toEqual(pairStrings(pairs(3)));
      expect(existsSync(join(dir, `${STORE}.lock`))).toBe(false);
    } finally {
      if (!released) await release();
    }
  });

  async function leaveDeadLock(dir: string): Promise<void> {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    await mkdir(join(dir, `${STORE}.lock`));
    await writeFile(join(dir, `${STORE}.lock-owner`), JSON.stringify({ pid: Number(dead.stdout), host: hostname(), since: new Date().toISOString() }));
  }

  it('takes over a lock left by a process that no longer exists', async () => {
    const dir = await project(pairs(2), []);
    await leaveDeadLock(dir);
    const r = await runCli(['apply', '--auto-approve'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(await livePairs(dir)).toEqual(pairStrings(pairs(2)));
    expect(existsSync(join(dir, `${STORE}.lock`))).toBe(false);
  });

  // SIGKILL between taking the lock and naming its owner leaves the lock with no owner file; the
  // pending owner file every locker writes first still names the dead holder.
  async function leaveOwnerlessLock(dir: string, pendingPid: number | undefined): Promise<void> {
    await mkdir(join(dir, `${STORE}.lock`));
    if (pendingPid !== undefined) {
      await writeFile(join(dir, `${STORE}.lock-owner.pending-${pendingPid}`), JSON.stringify({ pid: pendingPid, host: hostname(), since: new Date().toISOString() }));
    }
  }
  const deadPid = () => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);

  it('takes over at once a lock whose holder was killed before it named itself', async () => {
    const dir = await project(pairs(2), []);
    await leaveOwnerlessLock(dir, deadPid());
    const r = await runCli(['apply', '--auto-approve'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(await livePairs(dir)).toEqual(pairStrings(pairs(2)));
    expect(existsSync(join(dir, `${STORE}.lock`))).toBe(false);
    // Nothing of the dead holder, nor of this apply's own pending file, is left behind.
    expect((await readdir(join(dir, '.mapsync'))).filter((name) => name.includes('.lock-owner'))).toEqual([]);
  });

  it('leaves an ownerless lock alone while a living process may hold it (no pending file, or a living one)', async () => {
    for (const pending of [undefined, process.pid === 1 ? 2 : 1]) {
      const dir = await project(pairs(2), []);
      // pid 1 (or 2) lives as long as the machine does: a living would-be holder.
      await leaveOwnerlessLock(dir, pending);
      const r = await runCli(['apply', '--auto-approve'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: \.mapsync\/live\.json is locked by another apply/m);
      expect(existsSync(join(dir, `${STORE}.lock`))).toBe(true);
    }
  });

  it('lets only one of several applies take over a dead holder\'s lock', async () => {
    const dir = await project(pairs(2000), []);
    expect((await runCli(['plan', '--out', 'plan.json'], { cwd: dir })).code).toBe(0);
    await leaveDeadLock(dir);
    const results = await Promise.all([1, 2, 3].map(() => runCliProcess(['apply', 'plan.json'], { cwd: dir, timeoutMs: 120_000 })));
    expect(results.map((r) => r.code).sort()).toEqual([0, 1, 1]);
    for (const r of results.filter((x) => x.code === 1)) {
      expect(r.stderr).toMatch(/^error: (\.mapsync\/live\.json is locked by another apply|the live store changed since this plan was made; run plan again)/m);
    }
    expect(await livePairs(dir)).toEqual(pairStrings(pairs(2000)));
    const journal = (await readFile(join(dir, '.mapsync/journal.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(journal.filter((l) => l.event === 'start')).toHaveLength(1);
  });

  it('lets exactly one of two concurrent applies of the same plan through; the store stays valid', async () => {
    const dir = await project(pairs(3000, 500), pairs(1000));
    expect((await runCli(['plan', '--out', 'plan.json'], { cwd: dir })).code).toBe(0);
    const [a, b] = await Promise.all([
      runCliProcess(['apply', 'plan.json', '--force'], { cwd: dir, timeoutMs: 120_000 }),
      runCliProcess(['apply', 'plan.json', '--force'], { cwd: dir, timeoutMs: 120_000 }),
    ]);
    expect([a.code, b.code].sort()).toEqual([0, 1]);
    const loser = a.code === 1 ? a : b;
    // Refused either at the lock, or (if the first had already finished) as stale: never applied twice.
    expect(loser.stderr).toMatch(/^error: (\.mapsync\/live\.json is locked by another apply|the live store changed since this plan was made; run plan again)/m);
    expect(await livePairs(dir)).toEqual(pairStrings(pairs(3000, 500)));
    const journal = (await readFile(join(dir, '.mapsync/journal.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(journal.filter((l) => l.event === 'start')).toHaveLength(1);
  });
});

describe('an apply killed with SIGKILL', () => {
  // Killed as the journal starts (before the store is written), and while it is being filled
  // with outcomes (after the store was written).
  it.each([
    ['as soon as the journal starts', 1],
    ['while outcomes are being journaled', 2_000_000],
  ])('%s: leaves a valid store and an honest journal, and a re-run converges', async (_when, journalBytes) => {
    const desired = pairs(10, 100_001);
    const live = pairs(50_000);
    const dir = await project(desired, live);
    const saved = await runCli(['plan', '--out', 'plan.json'], { cwd: dir, timeoutMs: 120_000 });
    expect(saved.code, saved.stderr).toBe(0);
    const plan = JSON.parse(await readFile(join(dir, 'plan.json'), 'utf8'));
    expect(plan.summary).toEqual({ add: 10, remove: 50_000, replace: 0, unchanged: 0 });

    const journalPath = join(dir, '.mapsync/journal.jsonl');
    const child = spawn(process.execPath, [CLI, 'apply', 'plan.json', '--force'], { cwd: dir, env: cleanEnv(), stdio: 'ignore' });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    let finished = false;
    void exited.then(() => (finished = true));
    while (!finished && !(existsSync(journalPath) && statSync(journalPath).size >= journalBytes)) await new Promise((r) => setTimeout(r, 2));
    child.kill('SIGKILL');
    const { signal } = await exited;
    expect(signal).toBe('SIGKILL');

    // The store is the state before or after, never a torn mixture.
    const text = await readFile(join(dir, STORE), 'utf8');
    const pairsNow = (JSON.parse(text).mappings as { crmUserId: string; outreachUserId: number }[]).map((m) => `${m.crmUserId}<->${m.outreachUserId}`).sort();
    expect([pairStrings(live), pairStrings(desired)]).toContainEqual(pairsNow);
    // Every journal line that was written is complete, and none claims a change the store lacks.
    const lines = (await readFile(journalPath, 'utf8')).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ event: 'start', changes: 50_010 });
    if (lines.some((l) => l.event === 'change' && l.ok)) expect(pairsNow).toEqual(pairStrings(desired));
    expect(lines.some((l) => l.event === 'end')).toBe(false);

    const rerun = await runCli(['apply', '--auto-approve', '--force'], { cwd: dir, timeoutMs: 120_000 });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(await livePairs(dir)).toEqual(pairStrings(desired));
    const check = await runCli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(check.code).toBe(0);
    // The killed process's lock never blocks the next apply that has something to do.
    await writeFile(join(dir, 'mappings/more.yaml'), mappingYaml([{ crm: 7, outreach: 7 }]));
    const next = await runCli(['apply', '--auto-approve'], { cwd: dir });
    expect(next.code, next.stderr).toBe(0);
    expect(existsSync(join(dir, `${STORE}.lock`))).toBe(false);
  }, 240_000);
});
