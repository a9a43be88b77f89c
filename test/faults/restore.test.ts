// `mapsync restore SNAPSHOT` through the real CLI on the file store: the guards it shares with
// apply (confirmation, removal guard, --force), its own snapshot and journal, and clear errors
// for files that are not usable snapshots.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, cleanEnv, makeProject, runCli } from '../helpers/cli.js';
import { userId } from '../fakes/salesforceServer.js';
import { fileStorePairs, journalLines, mappingsYaml } from './cli.js';
import { pairKey, snapshots } from './harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const pair = (n: number, o = n) => ({ crmUserId: userId(n), outreachUserId: o });
const keys = (pairs: { crmUserId: string; outreachUserId: number }[]) => pairs.map((p) => pairKey(p.crmUserId, p.outreachUserId)).sort();

/** A project whose store held `before`, after an apply that made it `after`: returns the snapshot. */
async function appliedProject(before: ReturnType<typeof pair>[], after: ReturnType<typeof pair>[]) {
  const p = await makeProject({
    'mappings/team.yaml': mappingsYaml(after),
    '.mapsync/live.json': JSON.stringify({ mappings: before }),
  });
  cleanups.push(p.cleanup);
  const applied = await runCli(['apply', '--auto-approve', '--force'], { cwd: p.dir });
  expect(applied.code, applied.stderr).toBe(0);
  const snapshot = snapshots(join(p.dir, '.mapsync'))[0]!;
  return { dir: p.dir, snapshot, shown: snapshot.slice(p.dir.length + 1), store: join(p.dir, '.mapsync/live.json') };
}

describe('mapsync restore', () => {
  it('plans the way back, applies it with --auto-approve, and journals it with a snapshot of its own', async () => {
    const before = [pair(1), pair(2), pair(3)];
    const after = [pair(1), pair(2, 9), pair(4)];
    const p = await appliedProject(before, after);
    expect(fileStorePairs(p.store)).toEqual(keys(after));

    const r = await runCli(['restore', p.shown, '--auto-approve'], { cwd: p.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Plan: 1 to add, 1 to remove, 1 to replace, 1 unchanged.');
    expect(r.stdout).toContain(`${p.shown}:`); // adds point at their line in the snapshot
    expect(r.stdout).toContain('Restore complete: 2 added, 2 removed.');
    expect(fileStorePairs(p.store)).toEqual(keys(before));
    const all = snapshots(join(p.dir, '.mapsync'));
    expect(all).toHaveLength(2);
    expect(keys(JSON.parse(readFileSync(all[1]!, 'utf8')).mappings)).toEqual(keys(after));
    const restoreLines = journalLines(join(p.dir, '.mapsync')).filter((l) => l.snapshot === all[1]!.slice(p.dir.length + 1));
    expect(restoreLines.map((l) => l.event)).toEqual(['start', 'change', 'change', 'change', 'change', 'end']);
    expect(restoreLines.every((l) => l.event !== 'change' || l.ok === true)).toBe(true);

    const again = await runCli(['restore', p.shown, '--auto-approve'], { cwd: p.dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes');
  });

  it('needs "yes" or --auto-approve, and changes nothing without', async () => {
    const p = await appliedProject([pair(1)], [pair(2)]);
    const r = await runCli(['restore', p.shown], { cwd: p.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: restore needs confirmation, and there is no terminal to ask on');
    expect(fileStorePairs(p.store)).toEqual(keys([pair(2)]));
  });

  it('refuses a restore that removes more than the removal guard allows unless --force', async () => {
    const before = Array.from({ length: 12 }, (_, i) => pair(i + 1));
    const after = [...before.slice(0, 2), ...Array.from({ length: 10 }, (_, i) => pair(i + 101))];
    const p = await appliedProject(before, after);
    const refused = await runCli(['restore', p.shown, '--auto-approve'], { cwd: p.dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/error: refusing an unsafe plan: Too many removals: 83\.3% is over 25\.0% \(10 of 12\)/);
    expect(refused.stderr).toContain('--force');
    expect(fileStorePairs(p.store)).toEqual(keys(after));
    const forced = await runCli(['restore', p.shown, '--auto-approve', '--force'], { cwd: p.dir });
    expect(forced.code, forced.stderr).toBe(0);
    expect(fileStorePairs(p.store)).toEqual(keys(before));
  });

  it('goes to the store the snapshot was taken of, and --store overrides it', async () => {
    const p = await appliedProject([pair(1)], [pair(2)]);
    const other = await runCli(['restore', p.shown, '--store', 'file:other.json', '--auto-approve'], { cwd: p.dir });
    expect(other.code, other.stderr).toBe(0);
    expect(other.stderr).toContain('warning: the snapshot was taken of store "file:.mapsync/live.json"; restoring it into "file:other.json"');
    expect(fileStorePairs(join(p.dir, 'other.json'))).toEqual(keys([pair(1)]));
    expect(fileStorePairs(p.store)).toEqual(keys([pair(2)]));
  });

  it.each([
    ['missing.json', null, /error: snapshot missing\.json not found/],
    ['bad.json', '{"mappings": [', /error: bad\.json:1:\d+: /],
    ['plan.json', '{"formatVersion": 1}', /error: plan\.json: not a usable snapshot: expected a JSON object with a "mappings" list/],
    ['id.json', '{"mappings": [{"crmUserId": "0055e000001abcdaak", "outreachUserId": 1}]}', /not a usable snapshot: mappings\[0\]\.crmUserId is not a Salesforce User ID/],
  ])('refuses %s with one clear line and changes nothing', async (name, content, message) => {
    const p = await makeProject({ '.mapsync/live.json': JSON.stringify({ mappings: [pair(5)] }) });
    cleanups.push(p.cleanup);
    if (content !== null) writeFileSync(join(p.dir, name), content);
    const r = await runCli(['restore', name, '--auto-approve'], { cwd: p.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(fileStorePairs(join(p.dir, '.mapsync/live.json'))).toEqual(keys([pair(5)]));
  });

  it('brings back exactly the pairs of a snapshot taken while the store mapped users twice', async () => {
    // A hand-kept list: CRM user 1 on two seats, seat 7 held by CRM users 2 and 3.
    const before = [pair(1, 1), pair(1, 2), pair(2, 7), pair(3, 7), pair(4)];
    const p = await appliedProject(before, [pair(1, 1), pair(2, 7), pair(5)]);
    const r = await runCli(['restore', p.shown, '--auto-approve', '--force'], { cwd: p.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(fileStorePairs(p.store)).toEqual(keys(before));
    // Restored means in step with the snapshot: a second restore has nothing to do.
    const again = await runCli(['restore', p.shown, '--auto-approve'], { cwd: p.dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('No changes.');
    expect(fileStorePairs(p.store)).toEqual(keys(before));
  });

  // Seeded round trips: random stores with duplicates on either side, a random apply, then restore.
  const seeds = [11, 23, 37, 41, 59, 61];
  it.each(seeds)('round trip with seed %i: restore returns a store with duplicates to its snapshot exactly', async (seed) => {
    let state = seed;
    const next = (n: number) => { state = (state * 1103515245 + 12345) % 2147483648; return state % n; };
    const distinct = new Map<string, ReturnType<typeof pair>>();
    for (let i = 0; i < 8 + next(8); i++) {
      const p = pair(1 + next(10), 1 + next(10));
      distinct.set(pairKey(p.crmUserId, p.outreachUserId), p);
    }
    const before = [...distinct.values()];
    const after = Array.from({ length: 3 + next(5) }, (_, i) => pair(20 + i, 20 + next(30)));
    const unique = [...new Map(after.map((a) => [a.outreachUserId, a])).values()];
    const p = await appliedProject(before, unique);
    expect(fileStorePairs(p.store)).toEqual(keys(unique));
    const r = await runCli(['restore', p.shown, '--auto-approve', '--force'], { cwd: p.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(fileStorePairs(p.store)).toEqual(keys(before));
  });

  const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!hasScript)('on a terminal, restores after "yes" and changes nothing after anything else', async () => {
    const p = await appliedProject([pair(1)], [pair(2)]);
    const onTerminal = (answer: string) => new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
      const child = spawn('script', ['-qec', `${quote(process.execPath)} ${quote(CLI)} restore ${quote(p.shown)}`, '/dev/null'], { cwd: p.dir, env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
      let output = '';
      let answered = false;
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        output += d;
        if (!answered && output.includes("Only 'yes' will be accepted:")) {
          answered = true;
          child.stdin.write(`${answer}\n`);
        }
      });
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });
    const no = await onTerminal('y');
    expect(no.code, no.output).toBe(1);
    expect(no.output).toContain("restore cancelled: only 'yes' is accepted; nothing was changed");
    expect(fileStorePairs(p.store)).toEqual(keys([pair(2)]));
    const yes = await onTerminal('yes');
    expect(yes.code, yes.output).toBe(0);
    expect(yes.output).toContain('Restore complete: 1 added, 1 removed.');
    expect(fileStorePairs(p.store)).toEqual(keys([pair(1)]));
  });
});
