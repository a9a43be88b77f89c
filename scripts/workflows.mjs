// Writes this repository's own .github/workflows/{plan,apply,drift}.yml from the templates that
// `mapsync init` uses (src/init/workflowFiles.ts), with the action taken from `./`: the worked
// example is the generated workflows themselves. test/init/workflows.test.ts checks they match.
// Run after changing the templates: npm run build && node scripts/workflows.mjs
import { writeFileSync } from 'node:fs';
import { selfWorkflows } from '../dist/init/selfWorkflows.js';

for (const [file, text] of Object.entries(selfWorkflows())) writeFileSync(new URL(`../${file}`, import.meta.url), text);
