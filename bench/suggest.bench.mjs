// suggest at scale: 100,000 mappings (YAML across 50 files) and 120,000 users on each side of
// the file store's directories (crmUsers / outreachUsers), with seats that changed hands in every
// way §7 knows. suggest reads every user of both directories and runs the rules; plan on the same
// data is the yardstick. Target: suggest within 1.5x of plan (wall time), peak RSS reported.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crmIdOf, ROOT, writeMappingFiles } from './lib.mjs';

const N = Number(process.env.SUGGEST_BENCH_N ?? 100_000);
const EXTRA = Math.round(N / 5); // unmapped users on each side: 120,000 a side for N = 100,000
const FILES = 50;
const RUNS = Number(process.env.SUGGEST_BENCH_RUNS ?? 3);

const work = mkdtempSync(join(tmpdir(), 'mapsync-suggest-bench-'));
try {
  writeMappingFiles(work, N, FILES);
  // Every 100th seat was repurposed (new name, its new owner an unmapped CRM user), every 100th
  // (offset 1) had its CRM user replaced by a new record with the same email, every 200th is gone
  // (locked + inactive), and every 20th unmapped seat is a new hire with a CRM user of its email.
  const mappings = [];
  const crmUsers = [];
  const outreachUsers = [];
  let expected = 0;
  for (let i = 0; i < N; i++) {
    const repurposed = i % 100 === 0;
    const replaced = i % 100 === 1;
    const gone = i % 200 === 2;
    const email = repurposed ? `new${i}@example.com` : `rep${i}@example.com`;
    mappings.push({ crmUserId: crmIdOf(i), outreachUserId: i + 1 });
    crmUsers.push({ id: crmIdOf(i), name: `Rep Number ${i}`, email: `rep${i}@example.com`, active: !(replaced || gone) });
    outreachUsers.push({ id: i + 1, name: repurposed ? `New Hire ${i}` : `Rep Number ${i}`, email, locked: gone });
    if (repurposed) crmUsers.push({ id: crmIdOf(N + i), name: `New Hire ${i}`, email, active: true });
    if (replaced) crmUsers.push({ id: crmIdOf(N + i), name: `Rep Number ${i}`, email: email.toUpperCase(), active: true });
    if (repurposed || replaced || gone) expected++;
  }
  let crmExtras = 0;
  for (let j = 0; crmUsers.length < N + EXTRA; j++, crmExtras++) {
    const k = 2 * N + j;
    crmUsers.push({ id: crmIdOf(k), name: `Other ${k}`, email: `other${k}@example.com`, active: true });
  }
  for (let j = 0; outreachUsers.length < N + EXTRA; j++) {
    const k = 2 * N + j;
    // A new hire: the first few thousand extra CRM users have a seat with their email.
    const hire = j % 20 === 0 && j < crmExtras;
    outreachUsers.push({ id: N + 1 + j, name: `Other ${k}`, email: hire ? `other${k}@example.com` : `seat${k}@example.com`, locked: false });
    if (hire) expected++;
  }
  mkdirSync(join(work, '.mapsync'));
  writeFileSync(join(work, '.mapsync/live.json'), JSON.stringify({ mappings, crmUsers, outreachUsers }));
  const bytes = readFileSync(join(work, '.mapsync/live.json')).length;

  const reporter = join(work, 'report.mjs');
  writeFileSync(reporter, `
    import { writeFileSync } from 'node:fs';
    import { performance } from 'node:perf_hooks';
    process.on('exit', () => writeFileSync(process.env.BENCH_REPORT, JSON.stringify({
      ms: performance.now(), maxRssMB: process.resourceUsage().maxRSS / 1024 })));
  `);
  function measure(args) {
    const reportFile = join(work, 'last-report.json');
    const result = spawnSync(process.execPath, ['--import', reporter, join(ROOT, 'bin/mapsync.js'), ...args], {
      cwd: work,
      env: { PATH: process.env.PATH, NO_COLOR: '1', BENCH_REPORT: reportFile },
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 1 << 30,
    });
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    return { ...JSON.parse(readFileSync(reportFile, 'utf8')), stdout: result.stdout };
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

  const plans = [];
  const suggests = [];
  let last;
  for (let r = 0; r < RUNS; r++) {
    plans.push(measure(['plan', '--format', 'json']));
    last = measure(['suggest', '--format', 'json']);
    suggests.push(last);
  }
  const result = JSON.parse(last.stdout.toString('utf8'));
  if (result.suggestions.length !== expected) throw new Error(`expected ${expected} suggestions, got ${result.suggestions.length}`);
  const planMs = median(plans.map((m) => m.ms));
  const suggestMs = median(suggests.map((m) => m.ms));
  const planRss = Math.max(...plans.map((m) => m.maxRssMB));
  const suggestRss = Math.max(...suggests.map((m) => m.maxRssMB));
  const ratio = suggestMs / planMs;
  const ok = (cond) => (cond ? 'yes' : '**no**');
  console.log(`### suggest: ${N.toLocaleString('en')} mappings, ${(N + EXTRA).toLocaleString('en')} users a side\n`);
  console.log(`${FILES} YAML files; file store ${(bytes / 2 ** 20).toFixed(1)} MiB with \`crmUsers\` (${crmUsers.length.toLocaleString('en')}) and \`outreachUsers\` (${outreachUsers.length.toLocaleString('en')}). \`mapsync suggest --format json\` (load + validate + every user of both directories + the rules, ${expected.toLocaleString('en')} suggestions) against \`mapsync plan --format json\` on the same data. Median wall time of ${RUNS} runs, each a fresh process; peak RSS is the largest of the runs.\n`);
  console.log('| command | wall time | peak RSS |');
  console.log('|---|---:|---:|');
  console.log(`| \`plan --format json\` | ${planMs.toFixed(0)} ms | ${planRss.toFixed(0)} MB |`);
  console.log(`| \`suggest --format json\` | ${suggestMs.toFixed(0)} ms | ${suggestRss.toFixed(0)} MB |`);
  console.log(`| suggest / plan (≤ 1.5×) | ${ratio.toFixed(2)}× ${ok(ratio <= 1.5)} | ${(suggestRss / planRss).toFixed(2)}× |`);
  console.log('');
} finally {
  if (process.env.SUGGEST_BENCH_KEEP) console.error(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
