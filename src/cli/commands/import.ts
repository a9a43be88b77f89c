// `mapsync import`: its flags and help. The work is in ../actions/import.ts, loaded only when it runs.
import type { Command } from 'commander';
import { lazyAction } from '../lazyAction.js';
import type { ImportOptions } from '../actions/import.js';

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('write the live mappings as mapping YAML (stdout, or --out FILE); `plan` right after shows no changes')
    .option('--store <spec>', 'store to read: file:PATH, salesforce, outreach, dynamics, plugin-share or plugin-export:PATH (default: config)')
    .option('--out <file>', 'write to this file (e.g. mappings/imported.yaml) instead of stdout')
    .option('--force', 'overwrite --out FILE if it exists')
    .addHelpText('after', '\nExit codes: 0 written · 1 error')
    .action(lazyAction<ImportOptions>(async () => (await import('../actions/import.js')).runImport));
}
