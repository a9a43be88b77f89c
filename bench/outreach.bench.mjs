// Requests and wall time of the outreach store, driven through the real CLI against the fake
// Outreach API (test/fakes/outreachServer.ts, transpiled on the fly):
//  - `plan` at 10,000 users, against the floor ceil(N / 1000) reads (pages of 1,000, one read
//    shared by the store and the directory);
//  - `apply --auto-approve` of 100 changes while Outreach answers 429 with Retry-After, showing
//    the wait is honoured (no request inside the window after the client knew) and its cost.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT as root, loadFake, runCli } from './lib.mjs';

const work = await mkdtemp(join(tmpdir(), 'mapsync-outreach-bench-'));
const { checksumSuffix } = await import(pathToFileURL(join(root, 'dist/crm/salesforceId.js')).href);

const run = runCli;

const crmId = (n) => {
  const id15 = `005A${String(n).padStart(11, '0')}`;
  return id15 + checksumSuffix(id15);
};

async function project(name, entries) {
  const dir = join(work, name);
  await mkdir(join(dir, 'mappings'), { recursive: true });
  const lines = ['mappings:'];
  for (const [crm, outreach] of entries) lines.push(`  - crmUserId: ${crm}`, `    outreachUserId: ${outreach}`);
  await writeFile(join(dir, 'mappings/all.yaml'), lines.join('\n') + '\n');
  return dir;
}

const { startFakeOutreach } = await loadFake('outreachServer', work);
const TOKEN = 'bench-outreach-token-0123456789';
const rows = [];

// 1. plan at 10,000 users: 9,000 mapped live, the files re-point 100 and add 500.
{
  const N = 10_000;
  const users = [];
  for (let id = 1; id <= N; id++) users.push({ id, firstName: `First${id}`, lastName: `Last${id}`, email: `u${id}@example.com`, locked: false, custom1: id <= 9000 ? crmId(id) : null });
  const fake = await startFakeOutreach({ users, tokens: [TOKEN] });
  const entries = [];
  for (let id = 1; id <= 9500; id++) entries.push([crmId(id <= 100 ? 50_000 + id : id), id]);
  const cwd = await project('plan', entries);
  const result = await run(['plan', '--store', 'outreach', '--format', 'json'], cwd, { OUTREACH_ACCESS_TOKEN: TOKEN, OUTREACH_API_URL: fake.apiUrl });
  const summary = result.code === 0 || result.code === 2 ? JSON.parse(result.stdout).summary : undefined;
  rows.push({
    what: `plan, ${N.toLocaleString('en')} Outreach users (${summary ? `${summary.add} add, ${summary.remove} remove, ${summary.unchanged} unchanged` : `exit ${result.code}: ${result.stderr.trim()}`})`,
    requests: fake.log.length,
    floor: Math.ceil(N / 1000),
    ms: result.ms,
    note: `${fake.log.filter((r) => r.method !== 'GET').length} writes`,
  });
  // The same read in-process, without the CLI around it: what the Outreach part costs.
  const { createOutreachStore } = await import(pathToFileURL(join(root, 'dist/stores/outreachStore.js')).href);
  const { DEFAULT_CONFIG } = await import(pathToFileURL(join(root, 'dist/config.js')).href);
  const quiet = { info() {}, warn() {}, debug() {} };
  const before = fake.log.length;
  const started = process.hrtime.bigint();
  const store = await createOutreachStore(undefined, { config: structuredClone(DEFAULT_CONFIG), env: { OUTREACH_ACCESS_TOKEN: TOKEN, OUTREACH_API_URL: fake.apiUrl }, log: quiet });
  const live = await store.list();
  rows.push({
    what: `store.list() in-process, ${N.toLocaleString('en')} users (${live.mappings.length} mapped)`,
    requests: fake.log.length - before,
    floor: Math.ceil(N / 1000),
    ms: Number(process.hrtime.bigint() - started) / 1e6,
    note: 'HTTP + JSON:API parsing + ID checks only',
  });
  await fake.close();
}

// 2. apply 100 changes; request 20 is answered 429 with Retry-After: 2.
{
  const N = 100;
  const users = [];
  for (let id = 1; id <= N; id++) users.push({ id, firstName: `First${id}`, lastName: `Last${id}`, locked: false, custom1: null });
  const fake = await startFakeOutreach({ users, tokens: [TOKEN] });
  fake.faults.push({ method: 'PATCH', status: 429, retryAfter: 2, fromRequest: 20 });
  const cwd = await project('apply', users.map((u) => [crmId(u.id), u.id]));
  const result = await run(['apply', '--store', 'outreach', '--auto-approve'], cwd, { OUTREACH_ACCESS_TOKEN: TOKEN, OUTREACH_API_URL: fake.apiUrl });
  const throttled = fake.log.find((r) => r.status === 429 && !r.early);
  const inWindow = throttled ? fake.log.filter((r) => r !== throttled && r.at >= throttled.at && r.at < throttled.at + 2000) : [];
  const firstAfter = throttled ? fake.log.find((r) => r.at >= throttled.at + 2000) : undefined;
  const written = users.filter((u) => fake.users.get(u.id).custom1 === crmId(u.id)).length;
  rows.push({
    what: `apply --auto-approve, ${N} adds, one 429 (Retry-After 2 s) — exit ${result.code}, ${written}/${N} written`,
    requests: fake.log.length,
    floor: 1 + N,
    ms: result.ms,
    note: `${fake.log.filter((r) => r.status === 429).length} × 429 (${inWindow.length} already in flight); first request after the window ${firstAfter ? `${firstAfter.at - throttled.at} ms` : 'n/a'} after the 429`,
  });
  await fake.close();
}

console.log('### Outreach store (fake Outreach API on 127.0.0.1)\n');
console.log('| run | requests | floor | wall time | notes |');
console.log('|---|---:|---:|---:|---|');
for (const r of rows) console.log(`| ${r.what} | ${r.requests} | ${r.floor} | ${(r.ms / 1000).toFixed(2)} s | ${r.note} |`);
console.log('\nFloor: ceil(N / 1000) reads for a plan (page[size]=1000; store and directory share one read); one read plus one PATCH per changed user for an apply (Outreach has no bulk write). Wall time includes starting Node and the CLI.\n');
await rm(work, { recursive: true, force: true });
