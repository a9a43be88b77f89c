// mapsync suggest: proposes edits to mappings/ from the user directories (CONTRACT §7); with
// --write, makes them. Nothing is written to any store.
import { Option, type Command } from 'commander';
import { prepareSuggestions } from '../../suggest/prepare.js';
import { renderSuggestionsJson, renderSuggestionsText } from '../../suggest/render.js';
import { writeSuggestions } from '../../suggest/apply.js';
import { crmIdRules } from '../../crm/index.js';
import { action } from '../action.js';

interface SuggestOptions {
  store?: string;
  dir?: string;
  write?: boolean;
  format: 'text' | 'json';
  detailedExitcode?: boolean;
}

export function registerSuggest(program: Command): void {
  program
    .command('suggest')
    .description('propose edits to mappings/ from the user directories: new seats, replaced CRM users, repurposed seats, users gone')
    .option('--store <spec>', 'store whose directories to read: file:PATH, salesforce, outreach or dynamics (default: config, then file:.mapsync/live.json)')
    .option('--dir <dir>', 'folder of desired-state YAML (default: mappings)')
    .option('--write', 'make the edits in mappings/ (adds go to suggest.addTo); nothing is written to any store')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--detailed-exitcode', 'exit 2 when there are suggestions')
    .addHelpText('after', '\nExit codes: 0 ok · 1 error · 2 suggestions (only with --detailed-exitcode)\n')
    .action(action<SuggestOptions>(async (options, context) => {
      const prepared = await prepareSuggestions(context, { storeSpec: options.store, mappingsDir: options.dir });
      try {
        const { set } = prepared;
        let written: { made: number; deferred: number; files: string[] } | undefined;
        if (options.write) {
          const outcome = await writeSuggestions({ set, desired: prepared.desired, addTo: prepared.addTo, max: context.config.suggest.maxSuggestions, crm: crmIdRules(context.config.crm) });
          written = { made: outcome.made.length, deferred: outcome.deferred, files: outcome.edits.map((e) => e.file) };
          for (const file of outcome.unformatted) context.log.warn(`${file} was not fmt-clean before: edited in place, not reformatted (run mapsync fmt)`);
        }
        context.print(options.format === 'json' ? renderSuggestionsJson(set) : renderSuggestionsText(set, context.colors, { written }));
        return options.detailedExitcode && set.suggestions.length > 0 ? 2 : 0;
      } finally {
        await prepared.store.close();
      }
    }));
}
