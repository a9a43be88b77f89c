// validate vs a bare YAML.parse of the same files, in the same run.
// Target (issue 19): loading + validating 100k mappings takes at most 0.8x a bare `YAML.parse` of
// the files (files in fmt's shape take the fast reader; the yaml path stays for everything else).
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { loadDesiredDetails } from '../dist/desired/load.js';
import { to18 } from '../dist/crm/salesforceId.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, '../bin/mapsync.js');
const FILES = 50;
const SIZES = [1_000, 10_000, 100_000];
const ROUNDS = 5;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A deterministic, realistic-looking 15-character User ID for entry n (unique per n). */
function id15(n) {
  let body = '';
  let x = n * 2654435761 % 2 ** 32;
  for (let i = 0; i < 5; i++) {
    body += ALNUM[x % 62];
    x = Math.floor(x / 62) + i * 7919;
  }
  return `005${body}${String(n).padStart(7, '0')}`;
}

async function generate(dir, n) {
  const perFile = Math.ceil(n / FILES);
  const paths = [];
  for (let f = 0; f < FILES; f++) {
    const lines = ['# yaml-language-server: $schema=../schema/user-mappings.schema.json', 'mappings:'];
    for (let i = f * perFile; i < Math.min(n, (f + 1) * perFile); i++) {
      lines.push(
        `  - crmUserId: ${i % 3 === 0 ? id15(i) : to18(id15(i))}`,
        `    outreachUserId: ${i + 1}`,
        `    name: User Number ${i}`,
        `    email: user${i}@example.com`,
      );
      if (i % 10 === 0) lines.push('    note: repurposed seat');
    }
    const path = join(dir, 'mappings', `team-${String(f).padStart(2, '0')}.yaml`);
    await writeFile(path, lines.join('\n') + '\n');
    paths.push(path);
  }
  return paths;
}

async function time(fn) {
  globalThis.gc?.();
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const rows = [];
for (const n of SIZES) {
  const dir = await mkdtemp(join(tmpdir(), 'mapsync-bench-'));
  try {
    await mkdir(join(dir, 'mappings'));
    const paths = await generate(dir, n);
    const bare = async () => {
      for (const p of paths) YAML.parse(await readFile(p, 'utf8'));
    };
    const validate = async () => {
      const result = await loadDesiredDetails('mappings', dir);
      if (result.errors.length > 0 || result.state.mappings.length !== n) throw new Error(`bench data invalid: ${JSON.stringify(result.errors[0])}`);
    };
    await bare();
    await validate(); // warm-up: module loading, schema compilation, JIT
    const parseTimes = [];
    const validateTimes = [];
    // Interleaved so that machine noise (six engineers share two cores) hits both alike.
    for (let r = 0; r < ROUNDS; r++) {
      parseTimes.push(await time(bare));
      validateTimes.push(await time(validate));
    }
    const cliStart = process.hrtime.bigint();
    const cli = spawnSync(process.execPath, [CLI, 'validate', '--format', 'json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const cliMs = Number(process.hrtime.bigint() - cliStart) / 1e6;
    if (cli.status !== 0) throw new Error(`CLI validate failed: ${cli.stderr}`);
    const parseMs = median(parseTimes);
    const validateMs = median(validateTimes);
    rows.push({ n, parseMs, validateMs, ratio: validateMs / parseMs, cliMs });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const fmt = (ms) => ms.toFixed(0);
console.log('### validate: load + validate vs a bare YAML.parse');
console.log('');
console.log(`${FILES} files; median of ${ROUNDS} interleaved rounds, in-process (\`loadDesiredDetails\` from dist/); "CLI" is one run of \`mapsync validate --format json\` as a process, start-up included.`);
console.log('');
console.log('| mappings | bare YAML.parse ms | validate ms | ratio | CLI ms |');
console.log('|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.n.toLocaleString('en-US')} | ${fmt(r.parseMs)} | ${fmt(r.validateMs)} | ${r.ratio.toFixed(2)}× | ${fmt(r.cliMs)} |`);
console.log('');
const big = rows[rows.length - 1];
console.log(`Target (100k at most 0.8× the bare parse): ${big.ratio <= 0.8 ? 'met' : 'NOT met'} (${big.ratio.toFixed(2)}×). Load average at the end (1 / 5 / 15 min): ${loadavg().map((x) => x.toFixed(1)).join(' / ')}.`);
console.log('');
