// Requests and wall time of `plan` and `apply --auto-approve` against the dynamics store at
// 10,000 systemusers with an apply of 1,000 changes, measured against the floor: ceil(N/5000)
// pages per read of systemusers, ceil(PATCHes/1000) $batch requests, one token request a run.
// The fake org is test/fakes/dataverseServer.ts, transpiled on the fly (no extra build step).
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT as root, loadFake, runCli } from './lib.mjs';

const work = await mkdtemp(join(tmpdir(), 'mapsync-dv-bench-'));
const { startFakeDataverse, systemUserId } = await loadFake('dataverseServer', work);
const N = 10_000; // systemusers in the org
const NEW = 200; // users N-199..N are mapped for the first time
const MAPPED = N - NEW; // users 1..9,800 mapped before
const REMOVED = 200; // users 1..200 lose their mapping
const REPOINTED = 300; // users 201..500 map to a new Outreach user (a remove and an add each)
const FIELD = 'new_outreachuserid';

const dv = await startFakeDataverse();
for (let n = 1; n <= N; n++) dv.addUser({ systemuserid: systemUserId(n), fullname: `User ${n}`, internalemailaddress: `u${n}@example.com`, isdisabled: false, [FIELD]: n <= MAPPED ? n : null });

const lines = ['mappings:'];
for (let n = REMOVED + 1; n <= N; n++) {
  const outreach = n <= REMOVED + REPOINTED ? 100_000 + n : n;
  lines.push(`  - crmUserId: ${systemUserId(n)}`, `    outreachUserId: ${outreach}`);
}
await mkdir(join(work, 'project/mappings'), { recursive: true });
await writeFile(join(work, 'project/mappings/all.yaml'), lines.join('\n') + '\n');
await writeFile(join(work, 'project/mapsync.config.yaml'), 'crm: dynamics\nstore: dynamics\n');
const cwd = join(work, 'project');
const env = dv.env();

function measure(label, mark, result) {
  const log = dv.log.slice(mark.log);
  return {
    label,
    code: result.code,
    ms: result.ms,
    tokens: dv.tokenRequests.length - mark.tokens,
    reads: log.filter((r) => r.method === 'GET' && r.path.startsWith('/api/data/v9.2/systemusers')).length,
    batches: log.filter((r) => r.method === 'POST' && r.path.endsWith('/$batch')).length,
    operations: log.reduce((n, r) => n + (r.operations ?? 0), 0),
    total: log.length,
    stderr: result.stderr,
  };
}
const mark = () => ({ log: dv.log.length, tokens: dv.tokenRequests.length });

let at = mark();
const plan = measure('plan', at, await runCli(['plan', '--format', 'json'], cwd, env));
const planJson = JSON.parse((await runCli(['plan', '--format', 'json'], cwd, env)).stdout);
at = mark();
const apply = measure('apply --auto-approve', at, await runCli(['apply', '--auto-approve', '--force'], cwd, env));
at = mark();
const after = measure('plan after apply (in sync)', at, await runCli(['plan', '--format', 'json', '--detailed-exitcode'], cwd, env));
// The store alone, in-process (no Node start-up, no YAML): list() of the org after the apply.
const { createDynamicsStore } = await import(pathToFileURL(join(root, 'dist/stores/dynamicsStore.js')).href);
const { DEFAULT_CONFIG } = await import(pathToFileURL(join(root, 'dist/config.js')).href);
const quiet = { info() {}, warn() {}, debug() {} };
const listTimes = [];
for (let i = 0; i < 3; i++) {
  const store = await createDynamicsStore(undefined, { config: { ...DEFAULT_CONFIG, crm: 'dynamics' }, env: { ...env }, log: quiet });
  const started = process.hrtime.bigint();
  const live = await store.list();
  listTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
  if (live.mappings.length !== N - REMOVED) throw new Error(`list() returned ${live.mappings.length} mappings`);
}
const maxInFlight = dv.maxInFlight;
await dv.close();
await rm(work, { recursive: true, force: true });

const pages = Math.ceil(N / 5000);
const changes = planJson.summary.add + planJson.summary.remove;
const patches = REMOVED + REPOINTED + NEW;
const floorBatches = Math.ceil(patches / 1000);
const fmt = (m) => `| ${m.label} | ${m.code} | ${m.tokens} | ${m.reads} | ${m.batches} | ${m.operations} | ${m.total} | ${(m.ms / 1000).toFixed(2)} s |`;
console.log(`### dynamics store: ${N.toLocaleString('en-US')} systemusers, an apply of ${changes.toLocaleString('en-US')} changes\n`);
console.log(`Scenario: ${N.toLocaleString('en-US')} systemusers, ${MAPPED.toLocaleString('en-US')} of them mapped; the YAML removes ${REMOVED}, re-points ${REPOINTED} and adds ${NEW} ` +
  `(plan: ${planJson.summary.add} adds, ${planJson.summary.remove} removes, ${planJson.summary.unchanged} unchanged → ${patches} PATCHes, each re-point one PATCH). ` +
  'Fake Dataverse + Entra token endpoint on 127.0.0.1 (test/fakes/dataverseServer.ts), real CLI and dynamics-web-api; wall time includes Node start-up and YAML loading.\n');
console.log('| command | exit | token requests | reads (GET, 5,000 a page) | $batch requests | operations in them | requests | wall time |');
console.log('|---|---|---|---|---|---|---|---|');
for (const m of [plan, apply, after]) console.log(fmt(m));
console.log(`\nFloor: one token a run; reads ceil(${N}/5000) = ${pages} pages per read (the directory answers from the same read, so no look-ups); ` +
  `writes ceil(${patches}/1000) = ${floorBatches} $batch. \`apply\` reads twice by design — once to plan, once under the lock to refuse a stale plan — so its floor is 1 + ${2 * pages} + ${floorBatches} = ${1 + 2 * pages + floorBatches} requests. Most requests in flight at once: ${maxInFlight} (cap 8).`);
console.log(`\nIn-process \`store.list()\` of ${N.toLocaleString('en-US')} systemusers (${pages} pages + 1 token request, first run includes loading dynamics-web-api): ${listTimes.map((t) => `${Math.round(t)} ms`).join(', ')}. ` +
  'Wall times of the CLI runs vary with the load of the shared 2-core machine.');
const ok = plan.code === 0 && apply.code === 0 && after.code === 0 && plan.reads === pages && plan.tokens === 1 && apply.tokens === 1 &&
  apply.reads === 2 * pages && apply.batches === floorBatches && apply.operations === patches && plan.total === 1 + pages;
if (!ok) {
  console.error(`dynamics bench: a command failed or used more requests than the floor\n${[plan, apply, after].map((m) => m.stderr).join('\n')}`);
  process.exitCode = 1;
}
