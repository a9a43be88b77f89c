#!/usr/bin/env node
// Starts the CLI. The npm package ships one build: the bundle in dist/bundle/ (scripts/bundle.mjs).
// A checkout of this repository also has tsc's output in dist/cli/, which `npx tsc -p
// tsconfig.json` refreshes between full builds (`npm run build`, run by `npm ci` and `npm test`).
// The newer of the two runs, so a checkout never runs a bundle older than the code just compiled.
import { statSync } from 'node:fs';

function builtAt(url) {
  try {
    return statSync(url).mtimeMs;
  } catch {
    return undefined;
  }
}

const bundle = new URL('../dist/bundle/run.js', import.meta.url);
const compiled = new URL('../dist/cli/run.js', import.meta.url);
const bundleTime = builtAt(bundle);
const compiledTime = builtAt(compiled);
if (bundleTime === undefined && compiledTime === undefined) {
  process.stderr.write('mapsync: not built yet — run `npm ci` (or `npm run build`) in the mapsync checkout first\n');
  process.exit(1);
}
const entry = bundleTime !== undefined && (compiledTime === undefined || bundleTime >= compiledTime) ? bundle : compiled;
// Stack traces under --debug name the TypeScript sources (src/…ts:line) through the shipped maps.
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
await import(entry.href);
