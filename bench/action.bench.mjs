// The mapsync action (action.yml): time from start to the first line of a plan, with the install
// cached and not, against today's copy-the-repository workflow (`npm ci` with its `prepare`
// build, then `npx mapsync plan`) as the baseline. The action's run steps are executed by the
// test runner (test/helpers/actionRunner.mjs); its `uses:` steps are stood in for: setup-node
// is skipped (the machine's Node runs everything), and actions/cache is a miss (nothing
// restored) or a hit (a tar of node_modules/ and dist/ saved by the uncached run is extracted,
// its time counted, as actions/cache restores one). npm's own cache is warm in every case.
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT } from './lib.mjs';
import { runAction } from '../test/helpers/actionRunner.mjs';

const SOURCES = ['action.yml', 'package.json', 'package-lock.json', 'tsconfig.json', 'bin', 'src', 'schema', 'scripts'];
const work = await mkdtemp(join(tmpdir(), 'mapsync-bench-action-'));
const sh = (cmd, cwd) => {
  const r = spawnSync('bash', ['-c', cmd], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  return r.stdout;
};
const size = (dir) => Number(sh(`du -sb ${dir} | cut -f1`, work)) / 1e6;

async function copySources(dir, extra = []) {
  await mkdir(dir, { recursive: true });
  for (const entry of [...SOURCES, ...extra]) await cp(join(ROOT, entry), join(dir, entry), { recursive: true });
}

/** Starts a timer; the promise resolves with the seconds to the first stdout line of mapsync. */
function firstLineTimer() {
  const start = performance.now();
  let first;
  return { seen: (chunk) => { if (first === undefined && chunk.trim() !== '' && !chunk.startsWith('::')) first = (performance.now() - start) / 1000; }, first: () => first, total: () => (performance.now() - start) / 1000 };
}

// The org repository the action plans: made by `mapsync init` (example mapping, file store).
const org = join(work, 'org');
await mkdir(org);
sh(`node ${join(ROOT, 'bin/mapsync.js')} init`, org);

async function actionRun(actionPath, { cacheTar }) {
  const t = firstLineTimer();
  const run = await runAction({
    actionPath, workspace: org, inputs: { command: 'plan' }, onStdout: t.seen,
    onUses: async (step) => {
      if (!step.uses.startsWith('actions/cache@')) return {};
      if (!cacheTar) return { 'cache-hit': 'false' };
      sh(`tar -xzf ${cacheTar}`, actionPath);
      return { 'cache-hit': 'true' };
    },
  });
  if (run.failed) throw new Error(`action failed: ${run.stderr}`);
  return { first: t.first(), total: t.total(), ran: run.steps.filter((s) => s.ran).map((s) => s.name) };
}

const load = () => loadavg().map((l) => l.toFixed(1)).join(' / ');
const rows = [];
console.log(`### The action: time to the first plan line\n`);
console.log(`Load average (1/5/15 min) at the start: ${load()}.\n`);

// Baseline and uncached action alternate (A B B A), each in a fresh copy, so that neither gets
// only the warm or only the cold file system cache; both samples of each are shown.
async function baseline(n) {
  const clone = join(work, `clone-${n}`);
  await copySources(clone, ['mappings']);
  const t = firstLineTimer();
  sh('npm ci --no-audit --no-fund', clone);
  const r = spawnSync(process.execPath, ['bin/mapsync.js', 'plan'], { cwd: clone, encoding: 'utf8' });
  t.seen(r.stdout);
  return { first: t.first(), mb: size(join(clone, 'node_modules')) };
}
async function cold(n) {
  const dir = join(work, `action-cold-${n}`);
  await copySources(dir);
  const result = await actionRun(dir, { cacheTar: undefined });
  return { ...result, dir, mb: size(join(dir, 'node_modules')) };
}
const a1 = await baseline(1);
const b1 = await cold(1);
const b2 = await cold(2);
const a2 = await baseline(2);
const both = (x, y) => `${x.toFixed(1)} s, ${y.toFixed(1)} s`;
rows.push(['today: copy of the repository, `npm ci` (with the `prepare` build) + `npx mapsync plan`', both(a1.first, a2.first), a1.mb]);
rows.push([`action, install not cached (ran: ${b1.ran.join(', ')})`, both(b1.first, b2.first), b1.mb]);
const runtime = b1.mb;
const tar = join(work, 'cache.tgz');
sh(`tar -czf ${tar} node_modules dist`, b1.dir);

// The action, cache hit: extract the saved install, then plan (two fresh folders).
const warmRuns = [];
let warm;
for (const n of [1, 2]) {
  warm = join(work, `action-warm-${n}`);
  await copySources(warm);
  warmRuns.push(await actionRun(warm, { cacheTar: tar }));
}
rows.push([`action, install cached (ran: ${warmRuns[0].ran.join(', ')}; the tar extract counted)`, both(warmRuns[0].first, warmRuns[1].first), runtime]);

// A second mapsync step in the same job: the install is already there.
const again = [await actionRun(warm, { cacheTar: tar }), await actionRun(warm, { cacheTar: tar })];
rows.push([`action, second mapsync step in the same job (ran: ${again[0].ran.join(', ')})`, both(again[0].first, again[1].first), runtime]);

console.log('| run | to the first plan line (two runs) | `node_modules` after |');
console.log('|---|---:|---:|');
for (const [what, seconds, mb] of rows) console.log(`| ${what} | ${seconds} | ${mb.toFixed(1)} MB |`);
console.log(`\nCache archive (tar.gz of node_modules/ and dist/): ${(Number(sh(`stat -c %s ${tar}`, work)) / 1e6).toFixed(1)} MB. Load average at the end: ${load()}.\n`);
await rm(work, { recursive: true, force: true });
