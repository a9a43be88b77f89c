// What `drift --github-pr` needs besides the drift plan: the suggestions, the edits `--write`
// would make (computed in memory, nothing written to the checkout), and the plan of the mapping
// files as the suggestions PR leaves them, against the same live store.
import type { CommandContext } from '../context.js';
import { checkFileText } from '../desired/load.js';
import type { DesiredMapping, DesiredState, FileChange, LiveState, Plan } from '../model.js';
import { computePlanDetails } from '../plan/computePlan.js';
import type { MappingStore } from '../stores/store.js';
import { crmIdRules } from '../crm/index.js';
import { planEdits } from './apply.js';
import type { Suggestion, SuggestionSet } from './model.js';
import { resolveAddTo, suggestFor } from './prepare.js';

export interface SuggestedChange {
  set: SuggestionSet;
  made: Suggestion[];
  deferred: number;
  changes: FileChange[];
  plan: Plan;
}

export async function suggestedChange(context: CommandContext, args: { desired: DesiredState; live: LiveState; store: MappingStore; mappingsDir: string }): Promise<SuggestedChange> {
  const addTo = resolveAddTo(context.config.suggest.addTo, args.mappingsDir);
  const { set, directories } = await suggestFor(context, args.desired, args.store, addTo);
  const crm = crmIdRules(context.config.crm);
  const outcome = await planEdits({ set, desired: args.desired, addTo, max: context.config.suggest.maxSuggestions, crm });
  const edited = new Set(outcome.edits.map((e) => e.file));
  const mappings: DesiredMapping[] = args.desired.mappings.filter((m) => !edited.has(m.location.file));
  for (const edit of outcome.edits) mappings.push(...checkFileText(edit.file, edit.after, crm).mappings);
  const files = [...new Set([...args.desired.files, ...edited])].sort();
  const details = await computePlanDetails({ storeSpec: args.store.spec, desired: { files, mappings }, live: args.live, directories, safety: context.config.safety });
  return {
    set,
    made: outcome.made,
    deferred: outcome.deferred,
    changes: outcome.edits.map((e) => ({ path: e.file, before: e.before, after: e.after })),
    plan: details.plan,
  };
}
