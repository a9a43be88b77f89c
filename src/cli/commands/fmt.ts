// `mapsync fmt`: its flags and help. The work is in ../actions/fmt.ts, loaded only when it runs.
import type { Command } from 'commander';
import { lazyAction } from '../lazyAction.js';
import type { FmtOptions } from '../actions/fmt.js';

export function registerFmt(program: Command): void {
  program
    .command('fmt')
    .description('rewrite the mapping files in canonical form: entries sorted by name then crmUserId, keys in a fixed order, comments kept')
    .option('--check', 'change nothing; print a unified diff of what fmt would change')
    .option('--dir <folder>', 'folder holding the mapping files (default: mappingsDir from the config, "mappings")')
    .addHelpText('after', '\nExit codes: 0 already formatted (or formatted now), 1 --check found changes, or the files do not validate.')
    .action(lazyAction<FmtOptions>(async () => (await import('../actions/fmt.js')).runFmt));
}
