// `plan --store plugin-export:users.csv` at 100,000 users (the CSV parsed with csv-parse, every
// External ID checked with the CRM's rules), side by side with `plan` on the file store holding
// the same data (the same mappings, the same Outreach users as its directory). Runs alternate
// (export, file, export, file, …), each a fresh CLI process; medians of wall time, the largest
// peak RSS, and the load average while measuring.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI, crmIdOf, spawnTimed } from './lib.mjs';

const N = Number(process.env.PLUGIN_EXPORT_ROWS ?? 100_000);
const REPOINTED = 1_000;
const RUNS = Number(process.env.PLUGIN_EXPORT_RUNS ?? 3);

const work = await mkdtemp(join(tmpdir(), 'mapsync-plugin-export-bench-'));
const rssReporter = join(work, 'rss.mjs');
await writeFile(rssReporter, `process.on('exit', () => process.stderr.write('\\nBENCH_MAXRSS_KB=' + process.resourceUsage().maxRSS + '\\n'));\n`);
async function run(args, cwd) {
  const result = await spawnTimed(process.execPath, ['--import', pathToFileURL(rssReporter).href, CLI, ...args], { cwd, env: { HOME: process.env.HOME } });
  return { ...result, rssMB: Number(/BENCH_MAXRSS_KB=(\d+)/.exec(result.stderr)?.[1]) / 1024 };
}

// N Outreach users, each mapped in the plugin to one CRM user; the files re-point 1,000 of them.
const dir = join(work, 'project');
await mkdir(join(dir, 'mappings'), { recursive: true });
await mkdir(join(dir, '.mapsync'), { recursive: true });
const csv = ['"ID","First Name","Last Name","Email","User External ID","Locked"'];
const live = [];
const outreachUsers = [];
const yaml = ['mappings:'];
for (let id = 1; id <= N; id++) {
  // Every tenth name holds a comma, so the parser works on quoted fields too.
  const last = id % 10 === 0 ? `Last, ${id}` : `Last${id}`;
  csv.push(`"${id}","First${id}","${last}","u${id}@example.com","${crmIdOf(id)}","false"`);
  live.push({ crmUserId: crmIdOf(id), outreachUserId: id });
  outreachUsers.push({ id, name: `First${id} ${last}`, email: `u${id}@example.com`, locked: false });
  yaml.push(`  - crmUserId: ${crmIdOf(id <= REPOINTED ? N + id : id)}`, `    outreachUserId: ${id}`);
}
await writeFile(join(dir, 'users.csv'), '\uFEFF' + csv.join('\r\n') + '\r\n');
await writeFile(join(dir, 'mappings/all.yaml'), yaml.join('\n') + '\n');
await writeFile(join(dir, '.mapsync/live.json'), JSON.stringify({ mappings: live, outreachUsers }));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = [];
const results = { export: [], file: [] };
let failed = false;
for (let i = 0; i < RUNS; i++) {
  load.push(loadavg()[0]);
  const exported = await run(['plan', '--store', 'plugin-export:users.csv', '--format', 'json'], dir);
  const file = await run(['plan', '--store', 'file:.mapsync/live.json', '--format', 'json'], dir);
  for (const [name, r] of [['export', exported], ['file', file]]) {
    if (r.code !== 0) {
      failed = true;
      console.error(`plugin-export bench: ${name} plan exit ${r.code}\n${r.stderr.slice(0, 2000)}`);
      continue;
    }
    results[name].push({ ms: r.ms, rssMB: r.rssMB, summary: JSON.parse(r.stdout).summary });
  }
}
await rm(work, { recursive: true, force: true });

const row = (name, label) => {
  const runs = results[name];
  if (runs.length === 0) return `| ${label} | failed | | |`;
  const s = runs[0].summary;
  return `| ${label} | ${(median(runs.map((r) => r.ms)) / 1000).toFixed(2)} s | ${Math.max(...runs.map((r) => r.rssMB)).toFixed(0)} MB | ${s.add} add, ${s.remove} remove, ${s.unchanged} unchanged |`;
};
console.log(`### plugin-export store: ${N.toLocaleString('en')} users in the CSV\n`);
console.log(`Load average (1 min) while measuring: ${load.map((l) => l.toFixed(1)).join(', ')}. ${RUNS} runs of each, alternating; median wall time (Node start-up included), largest peak RSS.\n`);
console.log('| plan | wall time | peak RSS | plan |');
console.log('|---|---:|---:|---|');
console.log(row('export', '`plan --store plugin-export:users.csv`'));
console.log(row('file', '`plan --store file:…` (same mappings + Outreach users)'));
if (results.export.length > 0 && results.file.length > 0) {
  const ratio = median(results.export.map((r) => r.ms)) / median(results.file.map((r) => r.ms));
  const pairs = results.export.map((r, i) => (results.file[i] ? (r.ms / results.file[i].ms).toFixed(2) : '—'));
  console.log(`\nplugin-export / file: **${ratio.toFixed(2)}×** wall (run pairs ${pairs.join(', ')}), ${(Math.max(...results.export.map((r) => r.rssMB)) / Math.max(...results.file.map((r) => r.rssMB))).toFixed(2)}× peak RSS.\n`);
}
process.exitCode = failed ? 1 : 0;
