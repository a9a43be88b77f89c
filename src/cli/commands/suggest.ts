// `mapsync suggest`: its flags and help. The work is in ../actions/suggest.ts, loaded only when it runs.
import { Option, type Command } from 'commander';
import { lazyAction } from '../lazyAction.js';
import type { SuggestOptions } from '../actions/suggest.js';

export function registerSuggest(program: Command): void {
  program
    .command('suggest')
    .description('propose edits to mappings/ from the user directories: new seats, replaced CRM users, repurposed seats, users gone')
    .option('--store <spec>', 'store whose directories to read: file:PATH, salesforce, outreach, dynamics, plugin-share or plugin-export:PATH (default: config, then file:.mapsync/live.json)')
    .option('--dir <dir>', 'folder of desired-state YAML (default: mappings)')
    .option('--write', 'make the edits in mappings/ (adds go to suggest.addTo); nothing is written to any store')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--detailed-exitcode', 'exit 2 when there are suggestions')
    .addHelpText('after', '\nExit codes: 0 ok · 1 error · 2 suggestions (only with --detailed-exitcode)\n')
    .action(lazyAction<SuggestOptions>(async () => (await import('../actions/suggest.js')).runSuggest));
}
