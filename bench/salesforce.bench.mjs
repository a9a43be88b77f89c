// Requests and wall time of `plan` and `apply --auto-approve` against the salesforce store at
// 10,000 mapped users, measured against the floor: ceil(N/2000) query batches, the directory's
// 2,000-ID look-ups for users the query did not return, ceil(records/200) writes (+1 at most,
// because clears are sent in their own requests).
// The fake org is test/fakes/salesforceServer.ts, transpiled on the fly (no extra build step).
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT as root, loadFake, runCli } from './lib.mjs';

const work = await mkdtemp(join(tmpdir(), 'mapsync-sf-bench-'));

const run = runCli;

const { startFakeSalesforce, userId } = await loadFake('salesforceServer', work);
const N = 10_000;
const REMOVED = 200; // users 1..200 lose their mapping
const REPOINTED = 500; // users 201..700 map to a new Outreach user
const NEW = 300; // users N+1..N+300 are mapped for the first time
const TOKEN = 'bench-token-0123456789';

const sf = await startFakeSalesforce({ tokens: [TOKEN] });
for (let n = 1; n <= N + NEW; n++) sf.addUser({ Id: userId(n), Name: `User ${n}`, Email: `u${n}@example.com`, IsActive: true, Outreach_User_Id__c: n <= N ? String(n) : null });

const lines = ['mappings:'];
for (let n = REMOVED + 1; n <= N + NEW; n++) {
  const outreach = n <= REMOVED + REPOINTED ? 100_000 + n : n;
  lines.push(`  - crmUserId: ${userId(n)}`, `    outreachUserId: ${outreach}`);
}
await mkdir(join(work, 'project/mappings'), { recursive: true });
await writeFile(join(work, 'project/mappings/all.yaml'), lines.join('\n') + '\n');
const cwd = join(work, 'project');
const env = { SF_INSTANCE_URL: sf.url, SF_ACCESS_TOKEN: TOKEN };

const count = (from, method, path) => sf.log.slice(from).filter((r) => r.method === method && r.path.includes(path)).length;
function measure(label, from, result) {
  return {
    label,
    code: result.code,
    ms: result.ms,
    queries: count(from, 'GET', '/query'),
    lookups: count(from, 'POST', '/composite/sobjects/User'),
    writes: count(from, 'PATCH', '/composite/sobjects'),
    total: sf.log.length - from,
  };
}

let mark = sf.log.length;
const plan = measure('plan', mark, await run(['plan', '--store', 'salesforce', '--format', 'json'], cwd, env));
const planJson = JSON.parse((await run(['plan', '--store', 'salesforce', '--format', 'json'], cwd, env)).stdout);
mark = sf.log.length;
const apply = measure('apply --auto-approve', mark, await run(['apply', '--store', 'salesforce', '--auto-approve'], cwd, env));
mark = sf.log.length;
const after = measure(`plan after apply (in sync, ${(N - REMOVED + NEW).toLocaleString('en-US')} mapped)`, mark, await run(['plan', '--store', 'salesforce', '--format', 'json', '--detailed-exitcode'], cwd, env));
// The store alone, in-process (no Node start-up, no YAML): list() of the org after the apply.
const { createSalesforceStore } = await import(pathToFileURL(join(root, 'dist/stores/salesforceStore.js')).href);
const { DEFAULT_CONFIG } = await import(pathToFileURL(join(root, 'dist/config.js')).href);
const quiet = { info() {}, warn() {}, debug() {} };
const listTimes = [];
for (let i = 0; i < 3; i++) {
  const store = await createSalesforceStore(undefined, { config: DEFAULT_CONFIG, env: { ...env }, log: quiet });
  const started = process.hrtime.bigint();
  const live = await store.list();
  listTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
  if (live.mappings.length !== N - REMOVED + NEW) throw new Error(`list() returned ${live.mappings.length} mappings`);
}
await sf.close();
await rm(work, { recursive: true, force: true });

const reads = Math.ceil(N / 2000);
const records = REMOVED + REPOINTED + NEW;
// Clears go in their own requests before the sets.
const floorWrites = Math.ceil(REMOVED / 200) + Math.ceil((REPOINTED + NEW) / 200);
const fmt = (m) => `| ${m.label} | ${m.code} | ${m.queries} | ${m.lookups} | ${m.writes} | ${m.total} | ${(m.ms / 1000).toFixed(2)} s |`;
console.log(`### salesforce store: ${N.toLocaleString('en-US')} mapped users\n`);
console.log(`Scenario: ${N.toLocaleString('en-US')} Users mapped in the org; the YAML removes ${REMOVED}, re-points ${REPOINTED} and adds ${NEW} new users ` +
  `(plan: ${planJson.summary.add} adds, ${planJson.summary.remove} removes, ${planJson.summary.unchanged} unchanged → ${records} field writes, each re-point one write). ` +
  'Fake org on 127.0.0.1 (test/fakes/salesforceServer.ts), real CLI and jsforce; wall time includes Node start-up and YAML loading.\n');
console.log('| command | exit | query batches (GET) | directory look-ups (POST, 2,000 IDs) | writes (PATCH, 200 records) | requests | wall time |');
console.log('|---|---|---|---|---|---|---|');
for (const m of [plan, apply, after]) console.log(fmt(m));
console.log(`\nFloor: query batches ceil(${N}/2000) = ${reads} per listing; look-ups ceil(${NEW}/2000) = 1 (only users the query did not return); ` +
  `writes ceil(${REMOVED} clears/200) + ceil(${REPOINTED + NEW} sets/200) = ${floorWrites} (never more than ceil(${records}/200) + 1); after the apply ceil(${N - REMOVED + NEW}/2000) = ${Math.ceil((N - REMOVED + NEW) / 2000)} batches. \`apply\` lists twice by design — once to plan, once under the lock to refuse a stale plan — so its floor is ${2 * reads} + 1 + ${floorWrites} = ${2 * reads + 1 + floorWrites}.`);
console.log(`\nIn-process \`store.list()\` of ${(N - REMOVED + NEW).toLocaleString('en-US')} mapped users (6 query batches, first run includes loading jsforce): ${listTimes.map((t) => `${Math.round(t)} ms`).join(', ')}. ` +
  'Wall times of the CLI runs vary with the load of the shared 2-core machine.');
const ok = plan.code === 0 && apply.code === 0 && after.code === 0 && plan.queries === reads && plan.lookups === 1 && apply.writes === floorWrites;
if (!ok) {
  console.error('salesforce bench: a command failed or used more requests than the floor');
  process.exitCode = 1;
}
