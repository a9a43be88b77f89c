// mapsync at scale, end to end through the real CLI (a fresh Node process per command, as an
// admin or CI runs it):
//  - file store: validate, plan, apply --auto-approve, plan again (no changes) at 1k, 10k, 100k;
//  - salesforce and outreach stores against the fake servers of test/fakes/ (transpiled on the
//    fly, as bench/salesforce.bench.mjs does): plan and apply at 1k and 10k, with the requests
//    each command sent against the floor the store documents.
// Scenario everywhere: the initial roll-out — N users exist, none is mapped, mappings/ maps all N
// (so apply writes N mappings, the largest change a store ever sees).
// Wall time and peak RSS are those of the CLI child: /usr/bin/time -f %M when available,
// otherwise process.resourceUsage() reported by a preloaded module.
// SCALE_SIZES=1000,10000 limits the file-store sizes (e.g. for a quick run).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT as root, CLI as cli, loadFake, spawnTimed } from './lib.mjs';

const work = await mkdtemp(join(tmpdir(), 'mapsync-scale-bench-'));
const { to18 } = await import(pathToFileURL(join(root, 'dist/crm/salesforceId.js')).href);

const FILE_SIZES = (process.env.SCALE_SIZES ?? '1000,10000,100000').split(',').map(Number);
const REMOTE_SIZES = (process.env.SCALE_REMOTE_SIZES ?? '1000,10000').split(',').map(Number);
const PER_FILE = 2000; // one file per team of 2,000 reps

const gnuTime = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%M', 'true']).status === 0;
const rssReporter = join(work, 'rss.mjs');
await writeFile(rssReporter, `process.on('exit', () => process.stderr.write('\\nBENCH_MAXRSS_KB=' + process.resourceUsage().maxRSS + '\\n'));\n`);

/** Runs the CLI once; returns exit code, output, wall ms and the child's peak RSS in MB. */
function run(args, cwd, env = {}) {
  const rssFile = join(work, `rss-${process.hrtime.bigint()}.txt`);
  const node = [process.execPath, ...(gnuTime ? [] : ['--import', pathToFileURL(rssReporter).href]), cli, ...args];
  const [command, ...argv] = gnuTime ? ['/usr/bin/time', '-f', '%M', '-o', rssFile, ...node] : node;
  return spawnTimed(command, argv, { cwd, env: { HOME: process.env.HOME, ...env } }).then(async (result) => {
    const rssKb = gnuTime
      ? Number((await readFile(rssFile, 'utf8')).trim().split('\n').pop())
      : Number(/BENCH_MAXRSS_KB=(\d+)/.exec(result.stderr)?.[1]);
    return { ...result, rssMB: rssKb / 1024 };
  });
}

const crmId = (i) => to18('005Ak' + i.toString(36).toUpperCase().padStart(10, '0'));

async function project(name, n, idOf = crmId) {
  const dir = join(work, name);
  await mkdir(join(dir, 'mappings'), { recursive: true });
  for (let f = 0; f * PER_FILE < n; f++) {
    const lines = ['# yaml-language-server: $schema=../schema/user-mappings.schema.json', 'mappings:'];
    for (let i = f * PER_FILE + 1; i <= Math.min(n, (f + 1) * PER_FILE); i++) {
      lines.push(`  - crmUserId: ${idOf(i)}`, `    outreachUserId: ${i}`, `    name: Rep Number ${i}`);
    }
    await writeFile(join(dir, 'mappings', `team-${String(f).padStart(3, '0')}.yaml`), lines.join('\n') + '\n');
  }
  return dir;
}

const rows = [];
let failed = false;
function record(n, store, command, result, expectCode, requests = '—') {
  const ok = result.code === expectCode;
  if (!ok) {
    failed = true;
    console.error(`scale bench: ${store} ${command} at ${n}: exit ${result.code}, expected ${expectCode}\n${result.stderr.slice(0, 2000)}`);
  }
  rows.push({ n, store, command: ok ? command : `${command} (exit ${result.code}!)`, ms: result.ms, rssMB: result.rssMB, requests });
}

// --- file store --------------------------------------------------------------------------------
// Median of SCALE_RUNS runs per command (each apply starts again from an empty store), because
// single runs on a shared machine are noisy; peak RSS is the largest of the runs.
const RUNS = Number(process.env.SCALE_RUNS ?? 3);
const fileTimes = new Map();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const n of FILE_SIZES) {
  const cwd = await project(`file-${n}`, n);
  const samples = new Map();
  const step = async (label, args, check) => {
    const result = await run(args, cwd);
    if (result.code !== 0 || (check && !check(result))) {
      failed = true;
      console.error(`scale bench: file ${label} at ${n}: exit ${result.code}\n${result.stderr.slice(0, 2000)}${result.stdout.slice(0, 300)}`);
    }
    if (!samples.has(label)) samples.set(label, []);
    samples.get(label).push(result);
  };
  for (let r = 0; r < RUNS; r++) {
    await rm(join(cwd, '.mapsync'), { recursive: true, force: true });
    await step('validate', ['validate', '--format', 'json'], (x) => JSON.parse(x.stdout).mappings === n);
    await step('plan', ['plan', '--format', 'json'], (x) => JSON.parse(x.stdout).summary.add === n);
    await step('apply --auto-approve', ['apply', '--auto-approve'], (x) => /Apply complete/.test(x.stdout));
    await step('plan (no changes)', ['plan', '--detailed-exitcode']);
  }
  const times = {};
  for (const [label, results] of samples) {
    const ms = median(results.map((x) => x.ms));
    times[label] = ms;
    const code = results.every((x) => x.code === 0) ? 0 : results.find((x) => x.code !== 0).code;
    record(n, 'file', label, { code, ms, rssMB: Math.max(...results.map((x) => x.rssMB)), stderr: '' }, 0);
  }
  fileTimes.set(n, times);
  await rm(cwd, { recursive: true, force: true });
}

// --- salesforce --------------------------------------------------------------------------------
{
  const { startFakeSalesforce, userId } = await loadFake('salesforceServer', work);
  const TOKEN = 'scale-bench-sf-token-0123456789';
  for (const n of REMOTE_SIZES) {
    const sf = await startFakeSalesforce({ tokens: [TOKEN] });
    for (let i = 1; i <= n; i++) sf.addUser({ Id: userId(i), Name: `Rep Number ${i}`, Email: `rep${i}@example.com`, IsActive: true, Outreach_User_Id__c: null });
    const cwd = await project(`sf-${n}`, n, userId);
    const env = { SF_INSTANCE_URL: sf.url, SF_ACCESS_TOKEN: TOKEN };
    const lookups = Math.ceil(n / 2000);
    const writes = Math.ceil(n / 200);
    // Nothing is mapped yet: one (empty) query; every desired user is looked up, 2,000 per request.
    let mark = sf.log.length;
    const plan = await run(['plan', '--store', 'salesforce', '--format', 'json'], cwd, env);
    record(n, 'salesforce', 'plan', plan, 0, `${sf.log.length - mark} / ${1 + lookups}`);
    // apply lists twice (to plan, then under the lock to refuse a stale plan), looks up, writes 200 a request.
    mark = sf.log.length;
    const apply = await run(['apply', '--store', 'salesforce', '--auto-approve'], cwd, env);
    record(n, 'salesforce', 'apply --auto-approve', apply, 0, `${sf.log.length - mark} / ${2 + lookups + writes}`);
    const mapped = [...sf.users.values()].filter((u) => u.Outreach_User_Id__c).length;
    if (mapped !== n) { failed = true; console.error(`scale bench: salesforce apply at ${n} mapped ${mapped}`); }
    await sf.close();
    await rm(cwd, { recursive: true, force: true });
  }
}

// --- outreach ----------------------------------------------------------------------------------
{
  const { startFakeOutreach } = await loadFake('outreachServer', work);
  const TOKEN = 'scale-bench-outreach-token-0123456789';
  for (const n of REMOTE_SIZES) {
    const users = [];
    for (let i = 1; i <= n; i++) users.push({ id: i, firstName: 'Rep', lastName: `Number ${i}`, email: `rep${i}@example.com`, locked: false, custom1: null });
    // The real quota (10,000 requests an hour) would make a 10k roll-out wait for the next hour;
    // the bench lifts it to measure mapsync's own cost, and says so.
    const fake = await startFakeOutreach({ users, tokens: [TOKEN], quota: { limit: 1_000_000, windowMs: 3_600_000 } });
    const cwd = await project(`outreach-${n}`, n);
    const env = { OUTREACH_ACCESS_TOKEN: TOKEN, OUTREACH_API_URL: fake.apiUrl };
    const pages = Math.ceil(n / 1000);
    let mark = fake.log.length;
    const plan = await run(['plan', '--store', 'outreach', '--format', 'json'], cwd, env);
    record(n, 'outreach', 'plan', plan, 0, `${fake.log.length - mark} / ${pages}`);
    mark = fake.log.length;
    const apply = await run(['apply', '--store', 'outreach', '--auto-approve'], cwd, env);
    const listings = fake.log.slice(mark).filter((r) => r.method === 'GET').length;
    record(n, 'outreach', 'apply --auto-approve', apply, 0, `${fake.log.length - mark} / ${pages + n} (${listings} GET)`);
    const mapped = [...fake.users.values()].filter((u) => u.custom1).length;
    if (mapped !== n) { failed = true; console.error(`scale bench: outreach apply at ${n} mapped ${mapped}`); }
    await fake.close();
    await rm(cwd, { recursive: true, force: true });
  }
}

await rm(work, { recursive: true, force: true });

// --- report ------------------------------------------------------------------------------------
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
console.log('### Scale: every command end to end, 1k to 100k mappings\n');
console.log(`Machine: ${machine} (two cores shared with other work: wall times are noisy).\n`);
console.log(`Scenario: the initial roll-out — N users exist, none mapped; \`mappings/\` maps all N (${PER_FILE.toLocaleString('en-US')} per file), so \`apply\` writes N mappings. ` +
  `Each row is the real CLI as a fresh process (Node start-up included) — for the file store the median of ${RUNS} runs, for the fakes one run. Peak RSS is the CLI child's, the largest of the runs (${gnuTime ? '`/usr/bin/time -f %M`' : '`process.resourceUsage().maxRSS`'}). ` +
  'Salesforce and Outreach are the fake servers of `test/fakes/` on 127.0.0.1 (real jsforce / fetch over HTTP); the fake Outreach quota is lifted (see below).\n');
console.log('| N | store | command | wall time | peak RSS | requests / floor |');
console.log('|---:|---|---|---:|---:|---|');
for (const r of rows) console.log(`| ${r.n.toLocaleString('en-US')} | ${r.store} | ${r.command} | ${(r.ms / 1000).toFixed(2)} s | ${Math.round(r.rssMB)} MB | ${r.requests} |`);
console.log('\nFloors: salesforce `plan` = 1 query (nothing mapped yet) + ceil(N/2000) look-ups of the desired users; `apply` = 2 queries (one to plan, one under the lock to refuse a stale plan) + ceil(N/2000) look-ups + ceil(N/200) writes. ' +
  'outreach `plan` = ceil(N/1000) pages of users (store and directory share the read); `apply` = the pages + one PATCH per user (Outreach has no bulk write). ' +
  'The fake Outreach quota is lifted to 1,000,000 requests an hour here: against the real 10,000 an hour, a 10k roll-out (10,010 requests) waits for the next hour once, which mapsync does by itself (it reads X-RateLimit-Remaining / Reset).');
const [a, b] = [...fileTimes.keys()].slice(-2);
if (a && b) {
  const ratio = (label) => (fileTimes.get(b)[label] / fileTimes.get(a)[label]).toFixed(1);
  const labels = ['validate', 'plan', 'apply --auto-approve', 'plan (no changes)'];
  const ratios = labels.map((l) => fileTimes.get(b)[l] / fileTimes.get(a)[l]);
  const worst = Math.max(...ratios) / (b / a);
  const verdict = worst < 0.9 ? 'less than linear in N' : worst <= 1.15 ? 'about linear in N' : 'more than linear in N';
  console.log(`\nGrowth (file store, ${a.toLocaleString('en-US')} → ${b.toLocaleString('en-US')} mappings, ${+(b / a).toFixed(2)}× the data): ` +
    labels.map((l, i) => `${l} ${ratios[i].toFixed(1)}×`).join(', ') + ` the wall time (medians) — cost grows ${verdict} ` +
    '(each run also pays a fixed ~0.35 s to start Node and load the code).');
  // Marginal cost per 1,000 mappings between consecutive sizes: start-up cancels out.
  const sizes = [...fileTimes.keys()];
  const marginal = sizes.slice(1).map((size, i) => {
    const prev = sizes[i];
    return `${prev.toLocaleString('en-US')} → ${size.toLocaleString('en-US')}: ` + labels.map((l) => `${l} ${Math.round(((fileTimes.get(size)[l] - fileTimes.get(prev)[l]) / (size - prev)) * 1000)} ms`).join(', ');
  });
  console.log(`\nMarginal wall time per 1,000 more mappings — ${marginal.join('; ')}.`);
}
if (failed) process.exitCode = 1;
