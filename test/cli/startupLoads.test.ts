// A command loads only what it uses (issue 19): `validate`, `plan` on the file store, `--version`
// and `--help` run as real processes with a module-load recorder (test/helpers/recordLoads.mjs),
// and none of them may load the GitHub client, a store's HTTP client, the diff library, the
// progress bar or libsodium, and none compiles the JSON Schema (the build did). A static import of
// any of those on these paths fails this test.
import { existsSync, readFileSync } from 'node:fs';
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

/**
 * The two builds bin/mapsync.js may start: the bundle the package ships (scripts/bundle.mjs), and
 * tsc's output that a checkout refreshes between full builds. Both must load only what is used.
 */
const BUILDS = [
  { name: 'the bundle', entry: join(REPO_ROOT, 'dist/bundle/run.js') },
  { name: "tsc's dist/", entry: join(REPO_ROOT, 'dist/cli/run.js') },
].filter((build) => existsSync(build.entry));

/**
 * A bundle's chunks are named by hash, so each loaded chunk is read as the modules esbuild put in
 * it (dist/bundle.meta.json, written with the bundle): the same paths tsc's dist/ loads one by one.
 */
function sourcesOf(loaded: string[]): string[] {
  const bundleDir = pathToFileURL(join(REPO_ROOT, 'dist/bundle/')).href;
  if (!loaded.some((url) => url.startsWith(bundleDir))) return loaded;
  const meta = JSON.parse(readFileSync(join(REPO_ROOT, 'dist/bundle.meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  return loaded.flatMap((url) => {
    if (!url.startsWith(bundleDir)) return [url];
    const output = meta.outputs[`dist/bundle/${url.slice(bundleDir.length)}`];
    if (!output) throw new Error(`${url} is not in dist/bundle.meta.json: rebuild with npm run build`);
    return [url, ...Object.keys(output.inputs).map((input) => pathToFileURL(join(REPO_ROOT, input)).href)];
  });
}

/** Runs a build's entry as a process (start-up is the point) with the recorder; returns its result and every module it loaded. */
async function runRecorded(entry: string, args: string[], cwd: string): Promise<{ result: CliResult; loaded: string[] }> {
  const log = join(cwd, 'loads.txt');
  const result = await runCliProcess(args, { cwd, script: entry, env: { NODE_OPTIONS: `--import=${RECORDER}`, MAPSYNC_TEST_LOAD_LOG: log } });
  const loaded = sourcesOf([...new Set((await readFile(log, 'utf8')).split('\n').filter(Boolean))]);
  return { result, loaded: [...new Set(loaded)] };
}

function heavyIn(loaded: string[]): string[] {
  return HEAVY.flatMap(([name, pattern]) => loaded.filter((url) => pattern.test(url)).slice(0, 1).map((url) => `${name}: ${url}`));
}

const loads = (loaded: string[], pattern: RegExp) => loaded.some((url) => pattern.test(url));

it('finds the builds to check (npm run build makes both)', () => {
  expect(BUILDS.map((build) => build.name)).toContain("tsc's dist/");
});

describe.each(BUILDS)('start-up, $name: a command loads only what it uses', ({ entry }) => {
  it('validate reads YAML but loads no store, HTTP or GitHub client', async () => {
    const dir = await project({ 'mappings/team.yaml': yamlOf([ada, grace]) });
    const { result, loaded } = await runRecorded(entry, ['validate'], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // The recorder sees what validate does use, so an empty list cannot pass for a clean one.
    expect(loads(loaded, /\/node_modules\/yaml\//)).toBe(true);
    expect(loads(loaded, /\/dist\/desired\/load\.js$/)).toBe(true);
    expect(heavyIn(loaded)).toEqual([]);
    expect(loaded.filter((url) => /\/dist\/(stores|directories)\//.test(url))).toEqual([]);
    // The schema validator was compiled by the build (scripts/compileSchema.mjs): only ajv's small
    // run-time helpers load, never its compiler.
    expect(loaded.filter((url) => /\/node_modules\/(ajv\/dist\/(?!runtime\/)|ajv-formats\/)/.test(url))).toEqual([]);
  });

  it('plan on the file store loads the file store and nothing remote', async () => {
    const dir = await project({
      'mappings/team.yaml': yamlOf([ada, grace]),
      'live.json': storeOf({ mappings: [[1, 42]], ...directoriesFor([ada, grace]) }),
    });
    const { result, loaded } = await runRecorded(entry, ['plan', '--store', 'file:live.json'], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 to add');
    expect(loads(loaded, /\/dist\/stores\/fileStore\.js$/)).toBe(true);
    expect(heavyIn(loaded)).toEqual([]);
  });

  it('--version and --help load neither the YAML parser nor the schema validator', async () => {
    const dir = await project({});
    for (const args of [['--version'], ['--help'], ['plan', '--help']]) {
      const { result, loaded } = await runRecorded(entry, args, dir);
      expect(result.code).toBe(0);
      expect(loads(loaded, /\/node_modules\/commander\//)).toBe(true);
      expect(loaded.filter((url) => /\/node_modules\/(?!commander\/)/.test(url))).toEqual([]);
    }
  });

  it('the recorder sees a package loaded on demand: fmt --check loads diff', async () => {
    const dir = await project({ 'mappings/team.yaml': yamlOf([grace, ada]).replace('mappings:', '# unsorted\nmappings:') });
    const { result, loaded } = await runRecorded(entry, ['fmt', '--check'], dir);
    expect(result.code).toBe(1);
    expect(loads(loaded, /\/node_modules\/diff\//)).toBe(true);
  });
});
