// Pieces every benchmark needs: where the CLI is, the fake servers of test/fakes/ loaded without
// a build step, and a timed run of a child process.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { to18 } from '../dist/crm/salesforceId.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(ROOT, 'bin/mapsync.js');

/** The CRM user ID of rep `i` in the data-heavy benchmarks: an 18-character Salesforce User ID. */
export const crmIdOf = (i) => to18('005' + i.toString(36).padStart(12, '0'));

/** `work`/mappings/team-NN.yaml: rep i ↔ Outreach user i + 1 for i < n, split evenly over `files` files. */
export function writeMappingFiles(work, n, files) {
  const perFile = Math.ceil(n / files);
  mkdirSync(join(work, 'mappings'));
  for (let f = 0; f < files; f++) {
    const lines = ['# yaml-language-server: $schema=../schema/user-mappings.schema.json', 'mappings:'];
    for (let i = f * perFile; i < Math.min(n, (f + 1) * perFile); i++) {
      lines.push(`  - crmUserId: ${crmIdOf(i)}`, `    outreachUserId: ${i + 1}`, `    name: Rep Number ${i}`);
    }
    writeFileSync(join(work, 'mappings', `team-${String(f).padStart(2, '0')}.yaml`), lines.join('\n') + '\n');
  }
}

/**
 * Imports test/fakes/NAME.ts, transpiled into `work` (the fakes are test code, not in dist/),
 * together with the fake modules it imports relatively (e.g. the Salesforce OAuth endpoint).
 */
export async function loadFake(name, work) {
  // The fakes import each other as './x.js' (NodeNext style): emit .js files in an ES-module folder
  // of their own, so nothing lands in the benchmark's project folder.
  const out = join(work, '.fakes');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'package.json'), '{"type": "module"}\n');
  const done = new Set();
  const pending = [`${name}.ts`];
  while (pending.length > 0) {
    const path = pending.pop();
    if (done.has(path)) continue;
    done.add(path);
    const source = await readFile(join(ROOT, 'test/fakes', path), 'utf8');
    for (const [, spec] of source.matchAll(/from\s+'(\.\.?\/[^']+)\.js'/g)) pending.push(join(dirname(path), `${spec}.ts`));
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
    const file = join(out, path.replace(/\.ts$/, '.js'));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, outputText);
  }
  return import(pathToFileURL(join(out, `${name}.js`)).href);
}

/** Runs a command with a minimal environment; resolves with its exit code, output and wall ms. */
export function spawnTimed(command, argv, { cwd, env = {} }) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, argv, { cwd, env: { PATH: process.env.PATH, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
  });
}

/** One run of the mapsync CLI. */
export function runCli(args, cwd, env = {}) {
  return spawnTimed(process.execPath, [CLI, ...args], { cwd, env });
}
