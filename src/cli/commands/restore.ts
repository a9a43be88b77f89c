// `mapsync restore`: its flags and help. The work is in ../actions/restore.ts, loaded only when it runs.
import type { Command } from 'commander';
import { lazyAction } from '../lazyAction.js';
import type { RestoreOptions } from '../actions/restore.js';

export function registerRestore(program: Command): void {
  program
    .command('restore')
    .description('take the live store back to a snapshot written by apply (plans the changes, then applies them like apply)')
    .argument('<snapshot>', 'a snapshot file, e.g. .mapsync/snapshots/2026-11-24T23-30-05.123Z.json')
    .option('--store <spec>', "store: file:PATH, salesforce, outreach, dynamics, plugin-share or plugin-export:PATH (default: the store the snapshot was taken of, else config)")
    .option('--auto-approve', 'restore without asking')
    .option('--force', 'restore even when it removes more mappings than the safety guard allows')
    .addHelpText('after', '\nExit codes: 0 restored (or already equal) · 1 error, unsafe plan, cancelled, or a change failed')
    .action(lazyAction<RestoreOptions>(async () => (await import('../actions/restore.js')).runRestore));
}
