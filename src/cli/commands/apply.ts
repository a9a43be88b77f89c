// `mapsync apply`: its flags and help. The work is in ../actions/apply.ts, loaded only when it runs.
import type { Command } from 'commander';
import { lazyAction } from '../lazyAction.js';
import type { ApplyOptions } from '../actions/apply.js';

export function registerApply(program: Command): void {
  program
    .command('apply')
    .description('apply a saved plan, or a fresh plan after confirmation (removes first, then adds); writes a snapshot and a journal')
    .argument('[planfile]', 'a plan saved with `mapsync plan --out FILE`')
    .option('--store <spec>', 'store: file:PATH, salesforce, outreach, dynamics, plugin-share or plugin-export:PATH (default: the plan\'s store, else config)')
    .option('--dir <dir>', 'folder of mapping YAML files: planned fresh, or checked against a saved plan (default: config mappingsDir)')
    .option('--auto-approve', 'apply a fresh plan without asking')
    .option('--force', 'apply even when the plan removes more mappings than the safety guard allows')
    .option('--github-comment', 'post the outcome on the pull request merged into this commit (GITHUB_SHA); without one, the job summary only')
    .option('--plan-failed', 'apply nothing: report that the workflow could not make the plan (with --github-comment, on the merged pull request)')
    .option('--github-issue', "for a read-only store (the CRM plugin's own list): keep the clicks to make in the one open `mapsync-clicks` issue instead of failing")
    .addHelpText('after', '\nExit codes: 0 applied (or nothing to do; with --github-issue on a read-only store, the clicks issue kept) · 1 error, stale or unsafe plan, a change failed, or a read-only store')
    .action(lazyAction<ApplyOptions>(async () => (await import('../actions/apply.js')).runApply));
}
