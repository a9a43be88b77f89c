// Paths (CONTRACT §3) through the real CLI: an --out that cannot be written is one line, fast,
// with nothing created; hidden files and folders under mappings/ are skipped; a file store
// needs a path, a mistyped one is noted, and importing a missing one fails instead of writing
// `mappings: []`.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';
import { storeOf, yamlOf, type Person } from '../plan/project.js';

const ada: Person = { crm: 1, outreach: 42, name: 'Ada Lovelace' };
const isRoot = process.getuid?.() === 0;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setUp(extra: Record<string, string> = {}) {
  const p = await makeProject({
    'mappings/a.yaml': yamlOf([ada]),
    'live.json': storeOf({ mappings: [[1, 42]] }),
    'a-file': 'not a folder\n',
    ...extra,
  });
  cleanups.push(p.cleanup);
  await mkdir(join(p.dir, 'locked'));
  return p.dir;
}

/** Every path under dir, to prove a refused write created nothing. */
async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

interface PathCase {
  name: string;
  out: string;
  says: RegExp;
  /** Why the case cannot run here, when it cannot. */
  skip?: string;
  prepare?: (dir: string) => Promise<void>;
}

const PATHS: PathCase[] = [
  { name: 'a missing folder under /proc', out: '/proc/nope/x.json', says: /the folder \/proc\/nope does not exist/ },
  { name: 'a folder that accepts no new files (/proc)', out: '/proc/x.json', says: /\/proc/ },
  { name: 'a read-only folder even for root (/sys)', out: '/sys/x.json', says: /\/sys/ },
  { name: 'a missing folder', out: 'missing/dir/x.json', says: /the folder missing\/dir does not exist/ },
  { name: 'under a regular file', out: 'a-file/x.json', says: /a-file is a file, not a folder|a-file is not a folder/ },
  { name: 'a path that is a folder', out: 'mappings', says: /that is a folder/ },
  { name: 'a path ending in a slash', out: 'out/', says: /names a folder/ },
  {
    name: 'a folder without write permission',
    out: 'locked/x.json',
    says: /locked is not writable/,
    skip: isRoot ? 'runs as root, and root writes through folder permissions (the /sys case covers a folder root cannot write)' : undefined,
    prepare: (dir) => chmod(join(dir, 'locked'), 0o555),
  },
];

const COMMANDS: Array<{ name: string; args: (out: string) => string[] }> = [
  { name: 'plan --out', args: (out) => ['plan', '--out', out] },
  { name: 'import --out', args: (out) => ['import', '--store', 'file:live.json', '--out', out] },
];

describe('--out to a path that cannot be written: one line, nothing created', () => {
  for (const command of COMMANDS) {
    for (const c of PATHS) {
      it.skipIf(c.skip !== undefined)(`${command.name} ${c.name}${c.skip ? ` (skipped: ${c.skip})` : ''}`, async () => {
        const dir = await setUp();
        await c.prepare?.(dir);
        const before = await tree(dir);
        // A generous timeout: a hang (the old recursive mkdir under /proc) fails instead of stalling.
        const r = await runCli(command.args(c.out), { cwd: dir, timeoutMs: 20_000 });
        expect(r.signal).toBeNull();
        expect(r.code).toBe(1);
        const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatch(/^error: cannot write the (plan|mappings) to /);
        expect(errors[0]).toMatch(c.says);
        expect(r.stderr).not.toMatch(/\n\s+at /);
        expect(await tree(dir)).toEqual(before);
        if (c.out.startsWith('/') && !c.out.startsWith('/proc/nope')) expect(existsSync(c.out)).toBe(false);
      });
    }
  }

  it('the error comes before the store is read (plan against an unreachable store still fails on --out)', async () => {
    const dir = await setUp();
    const r = await runCli(['plan', '--store', 'outreach', '--out', 'missing/p.json'], { cwd: dir, env: { OUTREACH_ACCESS_TOKEN: 't', OUTREACH_API_URL: 'http://127.0.0.1:9' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot write the plan to missing\/p\.json/m);
  });

  it('a writable path still works, for both commands', async () => {
    const dir = await setUp();
    expect((await runCli(['plan', '--out', 'p.json'], { cwd: dir })).code).toBe(0);
    expect(existsSync(join(dir, 'p.json'))).toBe(true);
    expect((await runCli(['import', '--store', 'file:live.json', '--out', 'mappings/imported.yaml'], { cwd: dir })).code).toBe(0);
    expect(existsSync(join(dir, 'mappings/imported.yaml'))).toBe(true);
  });
});

describe('hidden files and folders under mappings/ are skipped', () => {
  it('validate and plan read neither .draft.yaml nor .wip/ (even when they are invalid or duplicate)', async () => {
    const dir = await setUp({
      'mappings/.draft.yaml': 'mappings:\n  - crmUserId: nonsense\n',
      'mappings/.wip/b.yaml': yamlOf([ada]),
      'mappings/team/.old.yml': yamlOf([ada]),
    });
    const v = await runCli(['validate', '--format', 'json'], { cwd: dir });
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ valid: true, files: 1, mappings: 1 });
    const p = await runCli(['plan', '--store', 'file:live.json', '--format', 'json'], { cwd: dir });
    expect(p.code).toBe(0);
    expect(JSON.parse(p.stdout).changes).toEqual([]);
  });
});

describe('file store specs', () => {
  it.each([['--store', 'file'], ['--store', 'file:'], ['--store', 'file: ']])('%s %s without a path is an error', async (...args) => {
    const dir = await setUp();
    const r = await runCli(['plan', ...args], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: the file store needs a path: "file:PATH"/m);
  });

  it('store: file in the config without a path is an error too', async () => {
    const dir = await setUp({ 'mapsync.config.yaml': 'store: "file:"\n' });
    const r = await runCli(['plan'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the file store needs a path/);
  });

  it('a mistyped file: path is noted in one line; the default store is not (it is empty until the first apply)', async () => {
    const dir = await setUp();
    const typo = await runCli(['plan', '--store', 'file:lvie.json'], { cwd: dir });
    expect(typo.code).toBe(0);
    expect(typo.stderr.trim().split('\n')).toEqual(['note: the file store lvie.json does not exist, so it reads as empty (apply would create it)']);
    const fresh = await runCli(['plan'], { cwd: dir });
    expect(fresh.stderr).toBe('');
  });

  it('import of a missing file store exits 1 and writes nothing', async () => {
    const dir = await setUp();
    const toStdout = await runCli(['import', '--store', 'file:lvie.json'], { cwd: dir });
    expect(toStdout.code).toBe(1);
    expect(toStdout.stdout).toBe('');
    expect(toStdout.stderr).toMatch(/^error: nothing to import: the file store lvie\.json does not exist/m);
    const toFile = await runCli(['import', '--store', 'file:lvie.json', '--out', 'mappings/imported.yaml'], { cwd: dir });
    expect(toFile.code).toBe(1);
    expect(existsSync(join(dir, 'mappings/imported.yaml'))).toBe(false);
  });
});
