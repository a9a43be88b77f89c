// mapsync plan: desired (mappings/) vs live — what apply would add and remove, and why to worry.
import { Option, type Command } from 'commander';
import { publishPlanComment, publishPlanFailure, writePlanSummary } from '../../github/index.js';
import { checklistAppendix } from '../../github/checklistSection.js';
import { annotatePlanErrors } from '../../plan/annotations.js';
import { preparePlan } from '../../plan/preparePlan.js';
import { hasChanges, hasErrors } from '../../plan/render/describe.js';
import { FORMATS, renderAs, type Format } from '../../plan/render/select.js';
import { savePlan } from '../../plan/savePlan.js';
import { checkOutputFile } from '../../outputFile.js';
import { MapsyncError } from '../../errors.js';
import { action } from '../action.js';
import type { CommandContext } from '../../context.js';

interface PlanOptions {
  store?: string;
  dir?: string;
  out?: string;
  format: Format;
  detailedExitcode?: boolean;
  githubComment?: boolean;
  pr?: number;
}

export function parsePullRequest(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new MapsyncError(`--pr must be a pull request number, not "${value}"`);
  return n;
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
      await publishPlanFailure({ message: err.message, errors: err.details, pr: options.pr, context }).catch((postError: unknown) =>
        context.log.warn(`could not update the plan comment: ${(postError as Error).message}`));
    }
    throw err;
  }
}

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('show what apply would change: mappings/ compared with the live store')
    .option('--store <spec>', 'live store: file:PATH, salesforce or outreach (default: config, then file:.mapsync/live.json)')
    .option('--dir <dir>', 'folder of desired-state YAML (default: mappings)')
    .option('--out <file>', 'also save the plan as JSON for `mapsync apply FILE` (not written when the plan has errors)')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--detailed-exitcode', 'exit 2 when there are changes (0 none, 1 error)')
    .option('--github-comment', 'create or update the plan comment on the pull request')
    .option('--pr <number>', 'pull request number for --github-comment (default: from the Actions event)', parsePullRequest)
    .addHelpText('after', '\nExit codes: 0 ok · 1 error (invalid files, unknown users, store unreachable) · 2 changes (only with --detailed-exitcode)\n')
    .action(action<PlanOptions>(async (options, context) => {
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
            context.log.info(`Saved the plan to ${options.out}; apply it with: npx mapsync apply ${options.out}`);
          }
        }
        // Every change goes to the job summary when it fits its 1 MiB; the comment then links there,
        // else to the mapsync-plan artifact the workflow uploads.
        const fullPlanIn = await writePlanSummary(plan, context, 'plan');
        if (options.githubComment) {
          // plan.yml uploads checklist.txt with the saved plan (--out) as the mapsync-plan artifact.
          const checklist = checklistAppendix(plan, { inArtifact: Boolean(context.env.GITHUB_RUN_ID && options.out) });
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
    }));
}
