// mapsync plan: desired (mappings/) vs live — what apply would add and remove, and why to worry.
import { writePlanSummary } from '../../github/planSummary.js';
import { checklistAppendix } from '../../github/checklistSection.js';
import { annotatePlanErrors } from '../../plan/annotations.js';
import { preparePlan } from '../../plan/preparePlan.js';
import { hasChanges, hasErrors } from '../../plan/render/describe.js';
import { renderAs, type Format } from '../../plan/render/select.js';
import { savePlan } from '../../plan/savePlan.js';
import { checkOutputFile } from '../../outputFile.js';
import { MapsyncError } from '../../errors.js';
import type { CommandRunner } from '../action.js';
import type { CommandContext } from '../../context.js';

export interface PlanOptions {
  store?: string;
  dir?: string;
  out?: string;
  format: Format;
  detailedExitcode?: boolean;
  githubComment?: boolean;
  pr?: number;
}

/**
 * With --github-comment, a plan that cannot be made still updates the PR comment, so reviewers
 * never read an older commit's plan as this one's. The original error is what the command reports.
 */
async function preparePlanOrReport(context: CommandContext, options: PlanOptions) {
  try {
    return await preparePlan(context, { storeSpec: options.store, mappingsDir: options.dir });
  } catch (err) {
    if (options.githubComment && err instanceof MapsyncError) {
      // The GitHub client is loaded only when a comment is asked for.
      const { publishPlanFailure } = await import('../../github/planComment.js');
      await publishPlanFailure({ message: err.message, errors: err.details, pr: options.pr, context }).catch((postError: unknown) =>
        context.log.warn(`could not update the plan comment: ${(postError as Error).message}`));
    }
    throw err;
  }
}

export const runPlan: CommandRunner<PlanOptions> = async (options, context) => {
  // Before the store is read: an --out that cannot be written is known in a second, not after the plan.
  if (options.out !== undefined) await checkOutputFile(options.out, 'the plan');
  const { plan, store } = await preparePlanOrReport(context, options);
  try {
    context.print(renderAs(options.format, plan, { colors: context.colors, mode: 'plan' }));
    const failed = hasErrors(plan);
    if (failed && options.format !== 'text') {
      // The text view lists errors itself; for JSON and Markdown, stderr still names each one.
      for (const e of plan.errors ?? []) context.log.info(`${e.file}:${e.line}:${e.column}: error: ${e.message} [${e.code}]`);
    }
    annotatePlanErrors(plan, context.env, context.log);
    if (options.out) {
      if (failed) context.log.info(`not saving ${options.out}: a plan with errors cannot be applied`);
      else {
        await savePlan(options.out, plan);
        // A read-only store's plan is never applied: say what the saved file is good for instead.
        context.log.info(plan.readOnly
          ? `Saved the plan to ${options.out}; npx mapsync show ${options.out} prints its clicks again (apply refuses ${plan.store}: only the plugin screen changes its list)`
          : `Saved the plan to ${options.out}; apply it with: npx mapsync apply ${options.out}`);
      }
    }
    // Every change goes to the job summary when it fits its 1 MiB; the comment then links there,
    // else to the mapsync-plan artifact the workflow uploads.
    const fullPlanIn = await writePlanSummary(plan, context, 'plan');
    if (options.githubComment) {
      // plan.yml uploads checklist.txt with the saved plan (--out) as the mapsync-plan artifact.
      const checklist = checklistAppendix(plan, { inArtifact: Boolean(context.env.GITHUB_RUN_ID && options.out) });
      const { publishPlanComment } = await import('../../github/planComment.js');
      await publishPlanComment({ plan, pr: options.pr, context, fullPlanIn, appendix: checklist.full, appendixWhenCut: checklist.whenCut });
    }
    if (failed) {
      const n = plan.errors!.length;
      throw new MapsyncError(`the plan has ${n} ${n === 1 ? 'error' : 'errors'} (users the directories do not know): fix mappings/ and run plan again`);
    }
    return options.detailedExitcode && hasChanges(plan) ? 2 : 0;
  } finally {
    await store.close();
  }
};
