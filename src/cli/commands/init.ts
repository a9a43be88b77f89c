// `mapsync init`: its flags and help. The work is in ../actions/init.ts, loaded only when it runs.
import { Option, type Command } from 'commander';
import { CRM_NAMES } from '../../crm/rules.js';
import { lazyAction } from '../lazyAction.js';
import type { InitOptions } from '../actions/init.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('make this repository ready for mapsync: an example mapping file, mapsync.config.yaml, the check/plan/apply/drift workflows, .gitignore lines; never overwrites a file')
    .addOption(new Option('--crm <crm>', 'the CRM whose user IDs the mappings hold').choices([...CRM_NAMES]).default('salesforce'))
    .option('--store <spec>', 'the live store: file:PATH, salesforce, outreach, dynamics, plugin-share or plugin-export:PATH (default: the file store)')
    .option('--action-ref <ref>', 'the ref the workflows use the mapsync action at, e.g. a commit SHA (default: v<this version>)')
    .addHelpText('after', '\nExit codes: 0 done (files that already existed are named and left alone) · 1 error.')
    .action(lazyAction<InitOptions>(async () => (await import('../actions/init.js')).runInit));
}
