// `plan --store plugin-share` at 100,000 plugin rows against the fake Snowflake SQL API on
// loopback (test/fakes/snowflakeServer.ts, transpiled on the fly; it executes the statement in
// SQLite), side by side with `plan` on the file store holding the same data (the same mappings,
// the same Outreach users as its directory). Runs alternate (share, file, share, file, …), each a
// fresh CLI process; medians of wall time, the largest peak RSS. Requests are counted at the fake:
// the floor is 1 statement + (partitions − 1) partition reads. Target: within 1.3× the file store.
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { generateKeyPairSync } from 'node:crypto';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI, ROOT as root, loadFake, spawnTimed } from './lib.mjs';

const N = Number(process.env.PLUGIN_SHARE_ROWS ?? 100_000);
const ROWS_PER_PARTITION = 10_000;
const REPOINTED = 1_000;
const RUNS = Number(process.env.PLUGIN_SHARE_RUNS ?? 3);
const ORG = '4711';

const work = await mkdtemp(join(tmpdir(), 'mapsync-plugin-share-bench-'));
const { checksumSuffix } = await import(pathToFileURL(join(root, 'dist/crm/salesforceId.js')).href);
const crmId = (n) => {
  const id15 = `005A${String(n).padStart(11, '0')}`;
  return id15 + checksumSuffix(id15);
};

const rssReporter = join(work, 'rss.mjs');
await writeFile(rssReporter, `process.on('exit', () => process.stderr.write('\\nBENCH_MAXRSS_KB=' + process.resourceUsage().maxRSS + '\\n'));\n`);
async function run(args, cwd, env) {
  const result = await spawnTimed(process.execPath, ['--import', pathToFileURL(rssReporter).href, CLI, ...args], { cwd, env: { HOME: process.env.HOME, ...env } });
  return { ...result, rssMB: Number(/BENCH_MAXRSS_KB=(\d+)/.exec(result.stderr)?.[1]) / 1024 };
}

// The data: N Outreach users, each mapped in the plugin to one CRM user; the files re-point 1,000.
const shareUsers = [];
const pluginMappings = [];
for (let id = 1; id <= N; id++) {
  shareUsers.push({ ID: String(id), O_ID: ORG, FIRST_NAME: `First${id}`, LAST_NAME: `Last${id}`, EMAIL: `u${id}@example.com`, DML_AT: 1764979200 });
  pluginMappings.push({ O_ID: ORG, VALUE_TYPE: 'User', VALUE_ID: String(id), EXTERNAL_TYPE: 'User', EXTERNAL_ID: crmId(id), ENABLED_AT: 1764000000, DML_AT: 1764979200 });
}
const dir = join(work, 'project');
await mkdir(join(dir, 'mappings'), { recursive: true });
await mkdir(join(dir, '.mapsync'), { recursive: true });
const lines = ['mappings:'];
for (let id = 1; id <= N; id++) lines.push(`  - crmUserId: ${crmId(id <= REPOINTED ? N + id : id)}`, `    outreachUserId: ${id}`);
await writeFile(join(dir, 'mappings/all.yaml'), lines.join('\n') + '\n');
await writeFile(join(dir, 'mapsync.config.yaml'), `pluginShare:\n  orgId: "${ORG}"\n  database: OUTREACH_SHARE\n  schema: PUBLIC\n`);
await writeFile(join(dir, '.mapsync/live.json'), JSON.stringify({
  mappings: pluginMappings.map((m) => ({ crmUserId: m.EXTERNAL_ID, outreachUserId: Number(m.VALUE_ID) })),
  outreachUsers: shareUsers.map((u) => ({ id: Number(u.ID), name: `${u.FIRST_NAME} ${u.LAST_NAME}`, email: u.EMAIL, locked: false })),
}));

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
// Transpiled inside node_modules/.cache, so the fake's own package (sql.js) resolves.
const fakes = join(root, 'node_modules/.cache/mapsync-bench-plugin-share');
const { startFakeSnowflake } = await loadFake('snowflakeServer', fakes);
const fake = await startFakeSnowflake({
  account: 'XY12345', user: 'BENCH', publicKey, database: 'OUTREACH_SHARE', schema: 'PUBLIC', warehouse: 'WH',
  users: shareUsers, pluginMappings, rowsPerPartition: ROWS_PER_PARTITION,
});
const shareEnv = {
  SNOWFLAKE_ACCOUNT: 'xy12345', SNOWFLAKE_USER: 'bench', SNOWFLAKE_WAREHOUSE: 'WH', SNOWFLAKE_URL: fake.url,
  SNOWFLAKE_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
};

/** How long the fake was answering: the union of its requests' [arrival, answer sent] intervals. */
function busyMs(log) {
  const spans = log.map((r) => [r.at, r.at + (r.ms ?? 0)]).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [from, to] of spans) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = [];
const results = { share: [], file: [] };
let requests;
let failed = false;
for (let i = 0; i < RUNS; i++) {
  load.push(loadavg()[0]);
  fake.log.length = 0;
  const share = await run(['plan', '--store', 'plugin-share', '--format', 'json'], dir, shareEnv);
  requests = { fakeMs: busyMs(fake.log), total: fake.log.length, statements: fake.log.filter((r) => r.method === 'POST').length, partitions: fake.log.filter((r) => r.partition !== undefined).length };
  const file = await run(['plan', '--store', 'file:.mapsync/live.json', '--format', 'json'], dir, {});
  for (const [name, r] of [['share', share], ['file', file]]) {
    if (r.code !== 0) {
      failed = true;
      console.error(`plugin-share bench: ${name} plan exit ${r.code}\n${r.stderr.slice(0, 2000)}`);
      continue;
    }
    const plan = JSON.parse(r.stdout);
    results[name].push({ ms: r.ms, rssMB: r.rssMB, summary: plan.summary, ...(name === 'share' ? { fakeMs: requests.fakeMs } : {}) });
  }
}
await fake.close();

const partitions = Math.ceil((2 * N) / ROWS_PER_PARTITION);
const row = (name, label) => {
  const runs = results[name];
  if (runs.length === 0) return `| ${label} | failed | | |`;
  const s = runs[0].summary;
  return `| ${label} | ${(median(runs.map((r) => r.ms)) / 1000).toFixed(2)} s | ${Math.max(...runs.map((r) => r.rssMB)).toFixed(0)} MB | ${s.add} add, ${s.remove} remove, ${s.unchanged} unchanged |`;
};
console.log(`### plugin-share store: ${N.toLocaleString('en')} plugin rows (fake Snowflake SQL API on 127.0.0.1)\n`);
console.log(`Load average (1 min) while measuring: ${load.map((l) => l.toFixed(1)).join(', ')}. ${RUNS} runs of each, alternating; median wall time (Node start-up included), largest peak RSS.\n`);
console.log('| plan | wall time | peak RSS | plan |');
console.log('|---|---:|---:|---|');
console.log(row('share', '`plan --store plugin-share`'));
console.log(row('file', '`plan --store file:…` (same mappings + Outreach users)'));
if (results.share.length > 0 && results.file.length > 0) {
  const ratio = median(results.share.map((r) => r.ms)) / median(results.file.map((r) => r.ms));
  const pairs = results.share.map((r, i) => (results.file[i] ? (r.ms / results.file[i].ms).toFixed(2) : '—'));
  const fakeMs = median(results.share.map((r) => r.fakeMs));
  const clientRatio = (median(results.share.map((r) => r.ms)) - fakeMs) / median(results.file.map((r) => r.ms));
  console.log(`\nOf the plugin-share wall time, the fake Snowflake (in the benchmark's own process: executing the statement in SQLite, rendering jsonv2, gzip) spent a median ${(fakeMs / 1000).toFixed(2)} s answering — server time that a real warehouse spends on its side; without it: **${clientRatio.toFixed(2)}×** the file store.`);
  console.log(`\nplugin-share / file: **${ratio.toFixed(2)}×** wall (target ≤ 1.3×; run pairs ${pairs.join(', ')}), ${(Math.max(...results.share.map((r) => r.rssMB)) / Math.max(...results.file.map((r) => r.rssMB))).toFixed(2)}× peak RSS.`);
}
console.log(`\nRequests per plugin-share plan: ${requests?.total} = ${requests?.statements} statement + ${requests?.partitions} partition reads (floor 1 + (${partitions} − 1) = ${partitions}; ${(2 * N).toLocaleString('en')} result rows — ${N.toLocaleString('en')} mappings and ${N.toLocaleString('en')} users — at ${ROWS_PER_PARTITION.toLocaleString('en')} rows per partition).\n`);
await rm(work, { recursive: true, force: true });
await rm(fakes, { recursive: true, force: true });
process.exitCode = failed ? 1 : 0;
