// A command loads only what it uses (issue 19): `validate`, `plan` on the file store, `--version`
// and `--help` run as real processes with a module-load recorder (test/helpers/recordLoads.mjs),
// and none of them may load the GitHub client, a store's HTTP client, the diff library, the
// progress bar or libsodium, and none compiles the JSON Schema (the build did). A static import of
// any of those on these paths fails this test.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, REPO_ROOT, runCliProcess, type CliResult } from '../helpers/cli.js';
import { directoriesFor, storeOf, yamlOf, type Person } from '../plan/project.js';

const RECORDER = pathToFileURL(join(REPO_ROOT, 'test/helpers/recordLoads.mjs')).href;

/** What no read-only command on local files needs: each is a package (or our module) that costs start-up time. */
const HEAVY: Array<[string, RegExp]> = [
  ['the GitHub client (@octokit)', /\/node_modules\/@octokit\//],
  ['jsforce', /\/node_modules\/(@jsforce\/|jsforce\/)/],
  ['dynamics-web-api', /\/node_modules\/dynamics-web-api\//],
  ['diff', /\/node_modules\/diff\//],
  ['cli-progress', /\/node_modules\/cli-progress\//],
  ['libsodium', /\/node_modules\/libsodium/],
  ['our GitHub client', /\/dist\/github\/(client|leaseRef|actionsSecret|planComment|driftIssue|applyComment|suggestionsPr)\.js$/],
  ['a remote store or client', /\/dist\/(stores\/(salesforce|outreach|dynamics)Store|salesforce\/client|outreach\/client|dynamics\/client)\.js$/],
];

const ada: Person = { crm: 1, outreach: 42, name: 'Ada Lovelace' };
const grace: Person = { crm: 2, outreach: 57, name: 'Grace Hopper' };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function project(files: Record<string, string>): Promise<string> {
  const p = await makeProject(files);
  cleanups.push(p.cleanup);
  return p.dir;
}

/** Runs the CLI as a process (start-up is the point) with the recorder; returns its result and every module URL it loaded. */
async function runRecorded(args: string[], cwd: string): Promise<{ result: CliResult; loaded: string[] }> {
  const log = join(cwd, 'loads.txt');
  // tsc's per-module build (dist/cli/run.js), where every module and package loads under its own
  // name; the bundle that bin/mapsync.js runs after a full build folds them into chunks.
  const script = join(REPO_ROOT, 'dist/cli/run.js');
  const result = await runCliProcess(args, { cwd, script, env: { NODE_OPTIONS: `--import=${RECORDER}`, MAPSYNC_TEST_LOAD_LOG: log } });
  const loaded = [...new Set((await readFile(log, 'utf8')).split('\n').filter(Boolean))];
  return { result, loaded };
}

function heavyIn(loaded: string[]): string[] {
  return HEAVY.flatMap(([name, pattern]) => loaded.filter((url) => pattern.test(url)).slice(0, 1).map((url) => `${name}: ${url}`));
}

const loads = (loaded: string[], pattern: RegExp) => loaded.some((url) => pattern.test(url));

describe('start-up: a command loads only what it uses', () => {
  it('validate reads YAML but loads no store, HTTP or GitHub client', async () => {
    const dir = await project({ 'mappings/team.yaml': yamlOf([ada, grace]) });
    const { result, loaded } = await runRecorded(['validate'], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // The recorder sees what validate does use, so an empty list cannot pass for a clean one.
    expect(loads(loaded, /\/node_modules\/yaml\//)).toBe(true);
    expect(loads(loaded, /\/dist\/desired\/load\.js$/)).toBe(true);
    expect(heavyIn(loaded)).toEqual([]);
    expect(loaded.filter((url) => /\/dist\/(stores|directories)\//.test(url))).toEqual([]);
    // The schema validator was compiled by the build (scripts/compileSchema.mjs): only ajv's small
    // run-time helpers load, never its compiler. Built with tsc alone? Run npm run build.
    expect(loaded.filter((url) => /\/node_modules\/(ajv\/dist\/(?!runtime\/)|ajv-formats\/)/.test(url))).toEqual([]);
  });

  it('plan on the file store loads the file store and nothing remote', async () => {
    const dir = await project({
      'mappings/team.yaml': yamlOf([ada, grace]),
      'live.json': storeOf({ mappings: [[1, 42]], ...directoriesFor([ada, grace]) }),
    });
    const { result, loaded } = await runRecorded(['plan', '--store', 'file:live.json'], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 to add');
    expect(loads(loaded, /\/dist\/stores\/fileStore\.js$/)).toBe(true);
    expect(heavyIn(loaded)).toEqual([]);
  });

  it('--version and --help load neither the YAML parser nor the schema validator', async () => {
    const dir = await project({});
    for (const args of [['--version'], ['--help'], ['plan', '--help']]) {
      const { result, loaded } = await runRecorded(args, dir);
      expect(result.code).toBe(0);
      expect(loads(loaded, /\/node_modules\/commander\//)).toBe(true);
      expect(loaded.filter((url) => /\/node_modules\/(?!commander\/)/.test(url))).toEqual([]);
    }
  });

  it('the recorder sees a package loaded on demand: fmt --check loads diff', async () => {
    const dir = await project({ 'mappings/team.yaml': yamlOf([grace, ada]).replace('mappings:', '# unsorted\nmappings:') });
    const { result, loaded } = await runRecorded(['fmt', '--check'], dir);
    expect(result.code).toBe(1);
    expect(loads(loaded, /\/node_modules\/diff\//)).toBe(true);
  });
});
