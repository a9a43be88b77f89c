// mapsync drift: the plan, read as "has someone changed the live mappings by hand?" — for
// scheduled checks. 0 in sync, 2 drift, 1 error.
import { writePlanSummary } from '../../github/planSummary.js';
import { annotatePlanErrors } from '../../plan/annotations.js';
import { preparePlan } from '../../plan/preparePlan.js';
import { hasChanges, hasErrors } from '../../plan/render/describe.js';
import { renderAs, type Format } from '../../plan/render/select.js';
import { MapsyncError } from '../../errors.js';
import type { SuggestionsPrResult } from '../../github/suggestionsPr.js';
import type { CommandRunner } from '../action.js';

export interface DriftOptions {
  store?: string;
  dir?: string;
  format: Format;
  githubIssue?: boolean;
  githubPr?: boolean;
}

export const runDrift: CommandRunner<DriftOptions> = async (options, context) => {
  const { plan, store, desired, live } = await preparePlan(context, { storeSpec: options.store, mappingsDir: options.dir });
  try {
    context.print(renderAs(options.format, plan, { colors: context.colors, mode: 'drift' }));
    const failed = hasErrors(plan);
    if (failed && options.format !== 'text') {
      for (const e of plan.errors ?? []) context.log.info(`${e.file}:${e.line}:${e.column}: error: ${e.message} [${e.code}]`);
    }
    annotatePlanErrors(plan, context.env, context.log);
    // Every change goes to the job summary when it fits its 1 MiB; the issue links there.
    const fullPlanIn = await writePlanSummary(plan, context, 'drift');
    // The suggestions PR first, so that the drift issue can link to it.
    let suggestionsPr: SuggestionsPrResult | undefined;
    // Suggestions match seats to CRM users by email: with no CRM directory (a read-only store
    // without directories.crm, which the plan notes once) there is nothing to match, and the
    // scheduled drift run must not fail for it.
    const noCrmUsers = plan.notes?.some((n) => n.code === 'crm-checks-skipped') ?? false;
    if (options.githubPr && noCrmUsers) context.log.info('--github-pr: no suggestions without CRM users (set directories.crm in mapsync.config.yaml); the suggestions pull request is left as it is');
    if (options.githubPr && !noCrmUsers) {
      // The GitHub client and the suggestion rules are loaded only when --github-pr asks for them.
      const [{ suggestedChange }, { syncSuggestionsPr }] = await Promise.all([import('../../suggest/suggestedPlan.js'), import('../../github/suggestionsPr.js')]);
      const change = await suggestedChange(context, { desired, live, store, mappingsDir: options.dir ?? context.config.mappingsDir });
      suggestionsPr = await syncSuggestionsPr({ ...change, context });
    }
    if (options.githubIssue) {
      const { syncDriftIssue } = await import('../../github/driftIssue.js');
      await syncDriftIssue({ plan, context, suggestionsPr, fullPlanIn });
    }
    if (failed) {
      const n = plan.errors!.length;
      throw new MapsyncError(`${n} ${n === 1 ? 'entry' : 'entries'} in mappings/ name users the directories do not know: fix them and run drift again`);
    }
    return hasChanges(plan) ? 2 : 0;
  } finally {
    await store.close();
  }
};
