// plan at scale: 100,000 desired mappings (YAML across 50 files) against 100,000 live ones
// (file store JSON with crmUsers / outreachUsers directories), 1% of them differing.
// The floor is merely reading and parsing the same YAML and JSON, measured in the same run the
// same way (a fresh Node process each time). Targets (issue 19): plan at most the floor (1.0x),
// peak RSS at most 250 MB.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { crmIdOf, ROOT, writeMappingFiles } from './lib.mjs';

const N = Number(process.env.PLAN_BENCH_N ?? 100_000);
const FILES = 50;
const RUNS = Number(process.env.PLAN_BENCH_RUNS ?? 3);
const DIFFERING = Math.round(N / 100);

const work = mkdtempSync(join(tmpdir(), 'mapsync-plan-bench-'));
try {
  // --- data --------------------------------------------------------------------------------
  writeMappingFiles(work, N, FILES);
  // Live: the same pairs, except every 100th CRM user sits on a different Outreach seat.
  function writeStore(withDirectories) {
    const mappings = [];
    const outreachUsers = [];
    const crmUsers = [];
    for (let i = 0; i < N; i++) {
      const seat = i % 100 === 0 ? N + i + 1 : i + 1;
      mappings.push({ crmUserId: crmIdOf(i), outreachUserId: seat, crmUserName: `Rep Number ${i}`, outreachUserName: `Rep Number ${i}` });
      crmUsers.push({ id: crmIdOf(i), name: `Rep Number ${i}`, email: `rep${i}@example.com`, active: true });
      outreachUsers.push({ id: i + 1, name: `Rep Number ${i}`, email: `rep${i}@example.com`, locked: false });
      if (seat !== i + 1) outreachUsers.push({ id: seat, name: `Rep Number ${i}`, email: `rep${i}@example.com`, locked: false });
    }
    mkdirSync(join(work, '.mapsync'), { recursive: true });
    const doc = withDirectories ? { mappings, crmUsers, outreachUsers } : { mappings };
    writeFileSync(join(work, '.mapsync/live.json'), JSON.stringify(doc));
    return readFileSync(join(work, '.mapsync/live.json')).length;
  }

  // --- measurements ------------------------------------------------------------------------
  // Every child reports its own wall time (from process start) and peak RSS when it exits.
  const reporter = join(work, 'report.mjs');
  writeFileSync(reporter, `
    import { writeFileSync } from 'node:fs';
    import { performance } from 'node:perf_hooks';
    process.on('exit', () => writeFileSync(process.env.BENCH_REPORT, JSON.stringify({
      ms: performance.now(), maxRssMB: process.resourceUsage().maxRSS / 1024 })));
  `);
  const floorScript = join(work, 'floor.mjs');
  writeFileSync(floorScript, `
    import { readdirSync, readFileSync } from 'node:fs';
    import { parse } from ${JSON.stringify(join(ROOT, 'node_modules/yaml/dist/index.js'))};
    let n = 0;
    for (const f of readdirSync('mappings').sort()) n += parse(readFileSync('mappings/' + f, 'utf8')).mappings.length;
    n += JSON.parse(readFileSync('.mapsync/live.json', 'utf8')).mappings.length;
    if (n !== ${2 * N}) throw new Error('floor parsed ' + n);
  `);

  function measure(args) {
    const reportFile = join(work, 'last-report.json');
    const result = spawnSync(process.execPath, ['--import', reporter, ...args], {
      cwd: work,
      env: { ...process.env, NO_COLOR: '1', BENCH_REPORT: reportFile },
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 1 << 30,
    });
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    return { ...JSON.parse(readFileSync(reportFile, 'utf8')), stdout: result.stdout };
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

  const rows = [];
  for (const withDirectories of [true, false]) {
    const bytes = writeStore(withDirectories);
    const floors = [];
    const plans = [];
    let lastPlan;
    for (let r = 0; r < RUNS; r++) {
      floors.push(measure([floorScript]));
      lastPlan = measure([join(ROOT, 'bin/mapsync.js'), 'plan', '--format', 'json']);
      plans.push(lastPlan);
    }
    const plan = JSON.parse(lastPlan.stdout.toString('utf8'));
    if (plan.summary.add !== DIFFERING || plan.summary.remove !== DIFFERING || plan.summary.unchanged !== N - DIFFERING) {
      throw new Error(`unexpected plan summary ${JSON.stringify(plan.summary)}`);
    }
    rows.push({
      label: withDirectories ? 'store with `crmUsers` + `outreachUsers` (every user checked)' : 'store with `mappings` only (no directory checks)',
      mib: bytes / 2 ** 20,
      floorMs: median(floors.map((m) => m.ms)),
      planMs: median(plans.map((m) => m.ms)),
      floorRss: Math.max(...floors.map((m) => m.maxRssMB)),
      planRss: Math.max(...plans.map((m) => m.maxRssMB)),
    });
  }

  const ok = (cond) => (cond ? 'yes' : '**no**');
  const cpus = availableParallelism();
  const load = loadavg().map((x) => x.toFixed(1)).join(' / ');
  console.log(`### plan: ${N.toLocaleString('en')} desired vs ${N.toLocaleString('en')} live, ${DIFFERING.toLocaleString('en')} re-pointed\n`);
  console.log(`${FILES} YAML files; the plan is ${DIFFERING} removes + ${DIFFERING} adds, ${N - DIFFERING} unchanged. \`mapsync plan --format json\` (load + validate + list + directory checks + diff + render) against the floor of reading and parsing the same files (\`yaml.parse\` each YAML file, \`JSON.parse\` the store). Median wall time of ${RUNS} runs, each a fresh process (Node start-up included in both), floor and plan alternating; peak RSS is the largest of the runs. Load average at the end (1 / 5 / 15 min): ${load} on ${cpus} cores.\n`);
  console.log('| live store | floor | plan | plan / floor (≤ 1.0×) | floor RSS | plan RSS (≤ 250 MB) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const ratio = r.planMs / r.floorMs;
    console.log(`| ${r.label}, ${r.mib.toFixed(1)} MiB | ${r.floorMs.toFixed(0)} ms | ${r.planMs.toFixed(0)} ms | ${ratio.toFixed(2)}× ${ok(ratio <= 1)} | ${r.floorRss.toFixed(0)} MB | ${r.planRss.toFixed(0)} MB ${ok(r.planRss <= 250)} |`);
  }
  console.log('');
} finally {
  if (process.env.PLAN_BENCH_KEEP) console.error(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
