// `mapsync drift`: its flags and help. The work is in ../actions/drift.ts, loaded only when it runs.
import { Option, type Command } from 'commander';
import { FORMATS } from '../../plan/render/formats.js';
import { lazyAction } from '../lazyAction.js';
import type { DriftOptions } from '../actions/drift.js';

export function registerDrift(program: Command): void {
  program
    .command('drift')
    .description('check whether the live store still matches mappings/ (for scheduled jobs)')
    .option('--store <spec>', 'live store: file:PATH, salesforce, outreach, dynamics, plugin-share or plugin-export:PATH (default: config, then file:.mapsync/live.json)')
    .option('--dir <dir>', 'folder of desired-state YAML (default: mappings)')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--github-issue', 'open, update or close the `mapping-drift` issue (on a read-only store: the `mapsync-clicks` issue, closed once the plugin list matches)')
    .option('--github-pr', 'keep one pull request from mapsync/suggestions with the edits `mapsync suggest --write` would make (closed when none remain)')
    .addHelpText('after', '\nExit codes: 0 in sync · 2 drift · 1 error\n')
    .action(lazyAction<DriftOptions>(async () => (await import('../actions/drift.js')).runDrift));
}
