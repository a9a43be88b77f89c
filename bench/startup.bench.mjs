// Start-up (issue 19): whole-process `mapsync --version`, `validate` and `plan` on the repository's
// own example (mappings/: 2 files, 5 mappings; plan against the default file store, which is
// absent, so 5 adds) next to a bare `node -e 0`, all timed the same way (spawn to exit, wall
// clock) and interleaved round by round so that the machine's load falls on every column alike.
// The ratio is each round's time over that round's `node -e 0`, median over the rounds. Each
// process's CPU time (user + system, from bench/cpuAtExit.mjs, preloaded into every job alike) is
// reported too: on a loaded machine it says more than wall time, which waits for a core.
//
//   npm run bench -- startup
//   MAPSYNC_BENCH_BASELINE=/path/to/another/built/checkout npm run bench -- startup
//     adds that checkout's bin/mapsync.js (e.g. main before a change) as columns of the same run
//   MAPSYNC_BENCH_RUNS=31   rounds (default 21)
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, spawnTimed } from './lib.mjs';

const RUNS = Number(process.env.MAPSYNC_BENCH_RUNS ?? 21);
const baseline = process.env.MAPSYNC_BENCH_BASELINE;

// The builds to time. bin/mapsync.js starts the newer of the two; here each is started directly.
const builds = [
  { name: 'bundle', script: join(ROOT, 'dist/bundle/run.js') },
  { name: 'tsc dist/', script: join(ROOT, 'dist/cli/run.js') },
  ...(baseline ? [{ name: 'baseline', script: join(baseline, 'bin/mapsync.js') }] : []),
].filter((b) => existsSync(b.script));
const commands = [['--version'], ['validate'], ['plan']];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const jobs = [{ key: 'node -e 0', argv: ['-e', '0'] }];
for (const b of builds) for (const c of commands) jobs.push({ key: `${b.name} ${c.join(' ')}`, build: b.name, command: c.join(' '), argv: [b.script, ...c] });

const CPU_AT_EXIT = pathToFileURL(join(ROOT, 'bench/cpuAtExit.mjs')).href;
const scratch = mkdtempSync(join(os.tmpdir(), 'mapsync-startup-'));
const cpuFile = join(scratch, 'cpu');

/** One timed run: wall ms and CPU ms (every job is started the same way, with the same preload). */
async function run(j) {
  const r = await spawnTimed(process.execPath, [`--import=${CPU_AT_EXIT}`, ...j.argv], { cwd: ROOT, env: { MAPSYNC_BENCH_CPU_FILE: cpuFile } });
  if (r.code !== 0) throw new Error(`${j.key} exited ${r.code}: ${r.stderr.split('\n')[0]}`);
  return { ms: r.ms, cpu: Number(readFileSync(cpuFile, 'utf8')) / 1000 };
}

const times = new Map(jobs.map((j) => [j.key, []]));
const ratios = new Map(jobs.map((j) => [j.key, []]));
const cpus = new Map(jobs.map((j) => [j.key, []]));
const loadBefore = os.loadavg();
// One warm-up round (file cache), not counted.
for (const j of jobs) await run(j);
for (let round = 0; round < RUNS; round++) {
  // Rotate the order each round so no job always runs first or right after another.
  const order = jobs.map((_, i) => jobs[(i + round) % jobs.length]);
  const ms = new Map();
  for (const j of order) ms.set(j.key, await run(j));
  for (const j of jobs) {
    times.get(j.key).push(ms.get(j.key).ms);
    ratios.get(j.key).push(ms.get(j.key).ms / ms.get('node -e 0').ms);
    cpus.get(j.key).push(ms.get(j.key).cpu);
  }
}
const loadAfter = os.loadavg();
rmSync(scratch, { recursive: true, force: true });

const fmt = (n) => n.toFixed(0);
console.log('<!-- SECTION:startup -->');
console.log('## Start-up');
console.log('');
console.log(`### whole process on the 5-mapping example vs a bare \`node -e 0\``);
console.log('');
console.log(`${RUNS} interleaved rounds after one warm-up; each cell: median wall ms (spawn to exit) and the median of the per-round ratios to that round's \`node -e 0\`. Load average (1/5/15 min) ${loadBefore.map((l) => l.toFixed(1)).join('/')} before, ${loadAfter.map((l) => l.toFixed(1)).join('/')} after; ${os.cpus().length} cores.`);
console.log('');
console.log(`| command | ${builds.map((b) => b.name).join(' | ')} |`);
console.log(`|---|${builds.map(() => '---:').join('|')}|`);
console.log(`| \`node -e 0\` | ${builds.map(() => `${fmt(median(times.get('node -e 0')))} ms`).join(' | ')} |`);
for (const c of commands) {
  const cells = builds.map((b) => {
    const key = `${b.name} ${c.join(' ')}`;
    return `${fmt(median(times.get(key)))} ms, ${median(ratios.get(key)).toFixed(1)}×`;
  });
  console.log(`| \`mapsync ${c.join(' ')}\` | ${cells.join(' | ')} |`);
}
console.log('');
{
  // CPU: the median of each job's CPU time, over the median of node -e 0's.
  const base = median(cpus.get('node -e 0'));
  console.log(`CPU time (user + system, median; ratio to \`node -e 0\`'s ${fmt(base)} ms):`);
  console.log('');
  console.log(`| command | ${builds.map((b) => b.name).join(' | ')} |`);
  console.log(`|---|${builds.map(() => '---:').join('|')}|`);
  for (const c of commands) {
    const cells = builds.map((b) => {
      const cpu = median(cpus.get(`${b.name} ${c.join(' ')}`));
      return `${fmt(cpu)} ms, ${(cpu / base).toFixed(1)}×`;
    });
    console.log(`| \`mapsync ${c.join(' ')}\` | ${cells.join(' | ')} |`);
  }
  console.log('');
}
const targets = { validate: 4, plan: 5 };
for (const [command, target] of Object.entries(targets)) {
  const r = median(ratios.get(`${builds[0].name} ${command}`));
  console.log(`Target \`${command}\` ≤ ${target}× a bare start, wall time (${builds[0].name}): ${r <= target ? 'met' : 'NOT met'} (${r.toFixed(1)}×).`);
}
console.log('<!-- /SECTION:startup -->');
