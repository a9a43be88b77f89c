// `mapsync init` through the real CLI: an empty folder becomes a repository that validates,
// is formatted and plans against the file store; a second run changes nothing and names every
// file it left alone; an existing .gitignore is appended to once; --crm dynamics gives a
// Dynamics example that validates under crm: dynamics.
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, REPO_ROOT, runCli } from '../helpers/cli.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function emptyProject(files: Record<string, string> = {}): Promise<string> {
  const { dir, cleanup } = await makeProject(files);
  cleanups.push(cleanup);
  return dir;
}

/** Every file under dir (relative, sorted) with its text. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[path.slice(dir.length + 1)] = await readFile(path, 'utf8');
  }
  return out;
}

const WORKFLOWS = ['.github/workflows/mapsync-apply.yml', '.github/workflows/mapsync-check.yml', '.github/workflows/mapsync-drift.yml', '.github/workflows/mapsync-plan.yml'];

describe('mapsync init', () => {
  it('makes an empty folder ready: validate, fmt --check and plan (file store) succeed afterwards', async () => {
    const dir = await emptyProject();
    const init = await runCli(['init'], { cwd: dir });
    expect(init.stderr).not.toMatch(/error/);
    expect(init.code).toBe(0);
    const files = await snapshot(dir);
    expect(Object.keys(files).sort()).toEqual(['.gitignore', ...WORKFLOWS, 'mappings/example.yaml', 'mapsync.config.yaml'].sort());
    for (const file of Object.keys(files)) expect(init.stdout).toContain(`created ${file}`);

    // The modeline is a relative path that reaches the package's real schema from mappings/.
    const modeline = /^# yaml-language-server: \$schema=(\S+)\n/.exec(files['mappings/example.yaml']!);
    expect(modeline).not.toBeNull();
    expect(modeline![1]).not.toMatch(/^\//);
    const schema = await readFile(resolve(dir, 'mappings', modeline![1]!), 'utf8');
    expect(schema).toBe(await readFile(join(REPO_ROOT, 'schema/user-mappings.schema.json'), 'utf8'));

    const config = parse(files['mapsync.config.yaml']!) as Record<string, unknown>;
    expect(config).toEqual({ crm: 'salesforce', store: 'file:.mapsync/live.json' });
    // The comment above store: names every store a person can put there, the read-only ones too.
    for (const store of ['file:PATH', 'salesforce', 'outreach', 'dynamics', 'plugin-share', 'plugin-export:PATH']) {
      expect(files['mapsync.config.yaml']).toMatch(new RegExp(`^#   ${store.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +\\S`, 'm'));
    }
    expect(files['.gitignore']!.split('\n')).toEqual(expect.arrayContaining(['.mapsync/', 'node_modules/']));

    const validate = await runCli(['validate'], { cwd: dir });
    expect(validate.stdout + validate.stderr).toContain('valid: 1 file, 1 mapping');
    expect(validate.code).toBe(0);
    const fmt = await runCli(['fmt', '--check'], { cwd: dir });
    expect(fmt.stdout).toBe('');
    expect(fmt.code).toBe(0);
    const plan = await runCli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(plan.stdout).toContain('Plan: 1 to add, 0 to remove, 0 unchanged.');
    expect(plan.code).toBe(2);
  });

  it('run twice: the second run changes nothing and names every file it left alone', async () => {
    const dir = await emptyProject();
    expect((await runCli(['init'], { cwd: dir })).code).toBe(0);
    const before = await snapshot(dir);
    const again = await runCli(['init', '--crm', 'dynamics', '--store', 'outreach'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(await snapshot(dir)).toEqual(before);
    expect(again.stdout).not.toContain('created');
    for (const file of ['mappings/example.yaml', 'mapsync.config.yaml', ...WORKFLOWS, '.gitignore']) expect(again.stdout).toContain(`left alone ${file}`);
  });

  it('appends the missing lines to an existing .gitignore once, keeping what it had', async () => {
    const dir = await emptyProject({ '.gitignore': 'dist\n/node_modules' });
    expect((await runCli(['init'], { cwd: dir })).code).toBe(0);
    const first = await readFile(join(dir, '.gitignore'), 'utf8');
    expect(first.startsWith('dist\n/node_modules\n')).toBe(true);
    expect(first.split('\n').filter((l) => l === '.mapsync/')).toHaveLength(1);
    // node_modules was already ignored (as /node_modules): not added a second time.
    expect(first.split('\n').filter((l) => /node_modules/.test(l))).toEqual(['/node_modules']);
    expect((await runCli(['init'], { cwd: dir })).code).toBe(0);
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe(first);
  });

  it('--crm dynamics writes a Dynamics example that validates and plans under crm: dynamics', async () => {
    const dir = await emptyProject();
    const init = await runCli(['init', '--crm', 'dynamics'], { cwd: dir });
    expect(init.code).toBe(0);
    expect(parse(await readFile(join(dir, 'mapsync.config.yaml'), 'utf8'))).toEqual({ crm: 'dynamics', store: 'file:.mapsync/live.json' });
    const example = parse(await readFile(join(dir, 'mappings/example.yaml'), 'utf8')) as { mappings: { crmUserId: string }[] };
    expect(example.mappings[0]!.crmUserId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // The Dynamics workflows carry the Dynamics credentials, not Salesforce's.
    const apply = await readFile(join(dir, '.github/workflows/mapsync-apply.yml'), 'utf8');
    expect(apply).toContain('DYNAMICS_CLIENT_SECRET: ${{ secrets.DYNAMICS_CLIENT_SECRET }}');
    expect(apply).not.toContain('SF_');
    expect((await runCli(['validate'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['fmt', '--check'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['plan'], { cwd: dir })).code).toBe(0);
  });

  it('the Salesforce example is valid under crm: salesforce only as a Salesforce ID (the rules are live)', async () => {
    const dir = await emptyProject();
    expect((await runCli(['init'], { cwd: dir })).code).toBe(0);
    // The same file read as Dynamics IDs is invalid: validate checks the configured CRM's rules.
    await writeFile(join(dir, 'mapsync.config.yaml'), 'crm: dynamics\n');
    const validate = await runCli(['validate', '--format', 'json'], { cwd: dir });
    expect(validate.code).toBe(1);
    expect(JSON.parse(validate.stdout).errors[0].code).toBe('crm-id-format');
  });

  it('leaves an existing mapping file of the same name alone and refuses a store of the other CRM', async () => {
    const dir = await emptyProject();
    await mkdir(join(dir, 'mappings'), { recursive: true });
    await writeFile(join(dir, 'mappings/example.yaml'), 'mappings: []\n');
    const init = await runCli(['init'], { cwd: dir });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('left alone mappings/example.yaml: it exists');
    expect(await readFile(join(dir, 'mappings/example.yaml'), 'utf8')).toBe('mappings: []\n');

    // The read-only stores of the plugin's own list are fine choices; a file store needs its path.
    const share = await emptyProject();
    expect((await runCli(['init', '--store', 'plugin-share'], { cwd: share })).code).toBe(0);
    expect(parse(await readFile(join(share, 'mapsync.config.yaml'), 'utf8'))).toEqual({ crm: 'salesforce', store: 'plugin-share' });
    const noPath = await emptyProject();
    const bare = await runCli(['init', '--store', 'file'], { cwd: noPath });
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain('error: --store file: not a store init can set up');

    const other = await emptyProject();
    const wrong = await runCli(['init', '--crm', 'dynamics', '--store', 'salesforce'], { cwd: other });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('error: --store salesforce does not go with --crm dynamics');
    expect(await snapshot(other)).toEqual({});
  });
});
