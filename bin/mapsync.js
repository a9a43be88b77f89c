#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm ci` (the `prepare` script),
// so `npx mapsync` works without a separate build step.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/run.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('mapsync: not built yet — run `npm ci` (or `npm run build`) in the mapsync checkout first\n');
  process.exit(1);
}
await import(entry.href);
