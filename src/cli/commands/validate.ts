// `mapsync validate`: its flags and help. The work is in ../actions/validate.ts, loaded only when it runs.
import { Option, type Command } from 'commander';
import { lazyAction } from '../lazyAction.js';
import type { ValidateOptions } from '../actions/validate.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check the mapping files: schema, CRM user IDs (as the crm setting says), uniqueness across files (no network)')
    .option('--dir <folder>', 'folder holding the mapping files (default: mappingsDir from the config, "mappings")')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'github']).default('text'))
    .addHelpText('after', '\nExit codes: 0 valid, 1 invalid (or the folder is missing).')
    .action(lazyAction<ValidateOptions>(async () => (await import('../actions/validate.js')).runValidate));
}
