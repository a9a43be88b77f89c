// mapsync suggest: proposes edits to mappings/ from the user directories (CONTRACT §7); with
// --write, makes them. Nothing is written to any store.
import { prepareSuggestions } from '../../suggest/prepare.js';
import { renderSuggestionsJson, renderSuggestionsText } from '../../suggest/render.js';
import { writeSuggestions } from '../../suggest/apply.js';
import { crmIdRules } from '../../crm/index.js';
import type { CommandRunner } from '../action.js';

export interface SuggestOptions {
  store?: string;
  dir?: string;
  write?: boolean;
  format: 'text' | 'json';
  detailedExitcode?: boolean;
}

export const runSuggest: CommandRunner<SuggestOptions> = async (options, context) => {
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
};
