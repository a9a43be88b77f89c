// `mapsync plan`: its flags and help. The work is in ../actions/plan.ts, loaded only when it runs.
import { Option, type Command } from 'commander';
import { FORMATS } from '../../plan/render/formats.js';
import { MapsyncError } from '../../errors.js';
import { lazyAction } from '../lazyAction.js';
import type { PlanOptions } from '../actions/plan.js';

export function parsePullRequest(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new MapsyncError(`--pr must be a pull request number, not "${value}"`);
  return n;
}

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('show what apply would change: mappings/ compared with the live store')
    .option('--store <spec>', 'live store: file:PATH, salesforce, outreach, dynamics, plugin-share or plugin-export:PATH (default: config, then file:.mapsync/live.json)')
    .option('--dir <dir>', 'folder of desired-state YAML (default: mappings)')
    .option('--out <file>', 'also save the plan as JSON for `mapsync apply FILE` (not written when the plan has errors)')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--detailed-exitcode', 'exit 2 when there are changes (0 none, 1 error)')
    .option('--github-comment', 'create or update the plan comment on the pull request')
    .option('--pr <number>', 'pull request number for --github-comment (default: from the Actions event)', parsePullRequest)
    .addHelpText('after', '\nExit codes: 0 ok · 1 error (invalid files, unknown users, store unreachable) · 2 changes (only with --detailed-exitcode)\n')
    .action(lazyAction<PlanOptions>(async () => (await import('../actions/plan.js')).runPlan));
}
