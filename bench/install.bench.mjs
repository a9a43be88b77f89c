// Installing mapsync: today's copy-the-repo workflow (git clone + `npm ci`, which builds) against
// the package (`npm install <tarball>` into an empty project). Wall time and node_modules size,
// the two measured in turn (A B A B …) so both see the same machine load. npm's cache is warm for
// both, as on a CI runner with `cache: npm`; --prefer-offline so the registry is asked only for
// what the cache lacks.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund'];

function timed(command, argv, cwd) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, argv, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${command} ${argv.join(' ')} in ${cwd} exited ${code}: ${stderr.slice(-2000)}`));
      else resolve(performance.now() - started);
    });
  });
}

/** Bytes of the files under dir (what `du -sb` counts, symlinks as links). */
async function bytes(dir) {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await bytes(path);
    else total += (await stat(path).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

async function countPackages(nodeModules) {
  let count = 0;
  for (const entry of await readdir(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    if (entry.name.startsWith('@')) count += (await readdir(join(nodeModules, entry.name))).length;
    else count += 1;
  }
  return count;
}

const work = await mkdtemp(join(tmpdir(), 'mapsync-bench-install-'));
try {
  // The tarball as `npm pack` makes it (prepack builds); then a first install to warm npm's cache.
  const packed = JSON.parse(spawnSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' }).stdout);
  const tarball = join(work, packed[0].filename);
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();

  const copy = async (round) => {
    const clone = join(work, `copy-${round}`);
    await timed('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone], work);
    const ms = await timed('npm', ['ci', ...NPM_FLAGS], clone);
    return { ms, bytes: await bytes(join(clone, 'node_modules')), packages: await countPackages(join(clone, 'node_modules')), dir: clone };
  };
  const pkg = async (round) => {
    const project = join(work, `package-${round}`);
    await mkdir(project);
    await writeFile(join(project, 'package.json'), '{ "name": "org-mappings", "version": "1.0.0", "private": true }\n');
    const ms = await timed('npm', ['install', ...NPM_FLAGS, tarball], project);
    return { ms, bytes: await bytes(join(project, 'node_modules')), packages: await countPackages(join(project, 'node_modules')), dir: project };
  };

  await pkg('warm-up');
  const load = loadavg().map((n) => n.toFixed(1)).join(' ');
  const copies = [];
  const packages = [];
  for (let round = 0; round < ROUNDS; round++) {
    copies.push(await copy(round));
    packages.push(await pkg(round));
    for (const run of [copies.at(-1), packages.at(-1)]) await rm(run.dir, { recursive: true, force: true });
  }
  const loadAfter = loadavg().map((n) => n.toFixed(1)).join(' ');
  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
  const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const tarballBytes = (await stat(tarball)).size;

  console.log('### install: the package (`npm install <tarball>`) vs a copy of the repository (`npm ci`)\n');
  console.log(`Commit ${commit}; ${ROUNDS} rounds, the two installs in turn (copy, package, copy, …) after one warm-up install; npm's cache warm, \`--prefer-offline\`. Load average ${load} before, ${loadAfter} after.\n`);
  console.log('| | copy of the repo: `git clone` + `npm ci` (builds) | package: `npm install <tarball>` in an empty project | package / copy |');
  console.log('|---|---:|---:|---:|');
  console.log(`| wall time, each round | ${copies.map((r) => s(r.ms)).join(', ')} | ${packages.map((r) => s(r.ms)).join(', ')} | ${(median(packages.map((r) => r.ms)) / median(copies.map((r) => r.ms))).toFixed(2)} (medians) |`);
  console.log(`| \`node_modules\` size | ${mb(copies[0].bytes)} | ${mb(packages[0].bytes)} | ${(packages[0].bytes / copies[0].bytes).toFixed(2)} |`);
  console.log(`| packages in \`node_modules\` | ${copies[0].packages} | ${packages[0].packages} | |`);
  console.log(`\nThe tarball: ${(tarballBytes / 1e3).toFixed(0)} kB (${packed[0].entryCount} files); it holds the bundled CLI (dist/bundle/), the launcher and the schema; its one dependency, jsforce's Node build, is the rest of the install.\n`);
} finally {
  await rm(work, { recursive: true, force: true });
}
