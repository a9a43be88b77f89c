// `mapsync apply [PLANFILE]`: applies a saved plan, or a fresh one after "yes" / --auto-approve.
import { checkPlanIsApplicable, type ApplyOutcome } from '../../apply/applyPlan.js';
import { readPlanFile } from '../../apply/planFile.js';
import { crmIdRules } from '../../crm/index.js';
import { MapsyncError } from '../../errors.js';
import { appendStepSummary } from '../../github/stepSummary.js';
import type { ApplyReport } from '../../github/applyMarkdown.js';
import { code, link, text } from '../../markdown/escape.js';
import { ReadOnlyStoreRefusal } from '../../apply/readOnlyRefusal.js';
import type { LiveState, Plan } from '../../model.js';
import { verifySavedPlan } from '../../apply/verifySavedPlan.js';
import { preparePlan } from '../../plan/preparePlan.js';
import { hasChanges, hasErrors, renderText } from '../../plan/render/index.js';
import { openStore } from '../../stores/index.js';
import type { MappingStore } from '../../stores/store.js';
import type { CommandRunner } from '../action.js';
import { applyAndReport } from '../applyAndReport.js';
import { confirmOrRefuse } from '../confirm.js';
import type { CommandContext } from '../../context.js';

export interface ApplyOptions {
  store?: string;
  dir?: string;
  autoApprove?: boolean;
  force?: boolean;
  githubComment?: boolean;
  planFailed?: boolean;
  githubIssue?: boolean;
}

/** The plan to apply and its open store: read from PLANFILE, or computed now and confirmed. */
async function obtainPlan(options: ApplyOptions, context: CommandContext, planFile: string | undefined): Promise<{ plan: Plan; store: MappingStore }> {
  if (planFile !== undefined) {
    const plan = await readPlanFile(planFile, crmIdRules(context.config.crm));
    const store = await openStore(options.store ?? plan.store, { config: context.config, env: context.env, log: context.log, ports: context.ports });
    return { plan, store };
  }
  const { plan, store } = await preparePlan(context, { storeSpec: options.store, mappingsDir: options.dir });
  context.print(renderText(plan, { colors: context.colors }));
  if (hasErrors(plan) || !hasChanges(plan)) return { plan, store };
  try {
    checkPlanIsApplicable(plan, store, context.config.safety, Boolean(options.force));
    await confirmOrRefuse({
      context,
      autoApprove: Boolean(options.autoApprove),
      verb: 'apply',
      question: 'Do you want to apply these changes?',
      hint: 'pass --auto-approve, or save a plan with `mapsync plan --out FILE` and run `mapsync apply FILE`',
    });
    return { plan, store };
  } catch (err) {
    await store.close().catch(() => undefined);
    // The checklist was just printed above: the refusal points there, not to another command.
    if (err instanceof ReadOnlyStoreRefusal) throw new ReadOnlyStoreRefusal(err.plan, { listedAbove: true });
    throw err;
  }
}

export const runApply: CommandRunner<ApplyOptions> = async (options, context, args) => {
  if (options.planFailed) return reportPlanFailed(options, context);
  try {
    return await applyOrRefuse(options, context, args[0]);
  } catch (err) {
    // The plugin's list is never written: with --github-issue its clicks go to the issue instead.
    if (err instanceof ReadOnlyStoreRefusal && options.githubIssue) return keepClicksIssue(err, options, context);
    // CI readers see why nothing was applied without opening the log.
    if (err instanceof MapsyncError) {
      await appendStepSummary(refusalMarkdown(err.message), context.env).catch(() => undefined);
      if (options.githubComment) await commentOutcome({ kind: 'stopped', message: err.message, hint: err.hint, store: options.store }, context);
    }
    throw err;
  }
};

/**
 * The apply workflow's plan step failed (store unreachable, files invalid), so the apply step
 * never ran: the merged pull request is told so instead of getting no word at all. Writes no store.
 */
async function reportPlanFailed(options: ApplyOptions, context: CommandContext): Promise<number> {
  const message = 'the plan could not be made, so nothing was applied';
  const hint = 'the workflow run log says why; fix the cause, then run the apply workflow again';
  await appendStepSummary(refusalMarkdown(message), context.env).catch(() => undefined);
  if (options.githubComment) await commentOutcome({ kind: 'stopped', message, hint, store: options.store ?? context.config.store }, context);
  context.log.info(`mapsync apply: ${message}`);
  return 0;
}

/**
 * `apply --github-issue` on a read-only store: nothing is written anywhere but the issue; exit 0
 * once it holds the clicks (the apply workflow stays green and the work is in the issue), 1 when
 * it cannot be kept.
 */
async function keepClicksIssue(refusal: ReadOnlyStoreRefusal, options: ApplyOptions, context: CommandContext): Promise<number> {
  const { CLICKS_LABEL, syncClicksIssue } = await import('../../github/clicksIssue.js');
  const kept = await syncClicksIssue({ plan: refusal.plan, context, by: 'apply' });
  const clicks = refusal.plan.summary.remove + refusal.plan.summary.add;
  const where = `issue #${kept.number}${kept.url ? ` ${kept.url}` : ''}`;
  const line = `Not applied: ${refusal.plan.store} is the CRM plugin's own list, which has no write API; the ${clicks.toLocaleString('en-US')} ${clicks === 1 ? 'click is' : 'clicks are'} in ${where}.`;
  context.print(`${line}\n`);
  const issueRef = kept.url ? link(`the ${code(CLICKS_LABEL)} issue`, kept.url) : `the open ${code(CLICKS_LABEL)} issue`;
  await appendStepSummary(`### mapsync apply\n\n${text(`Not applied: ${refusal.plan.store} is the CRM plugin's own list, which has no write API; the clicks that make it match mappings/ are in`)} ${issueRef}.\n`, context.env).catch(() => undefined);
  if (options.githubComment) await commentOutcome({ kind: 'clicks', plan: refusal.plan, ...(kept.url ? { issueUrl: kept.url } : {}) }, context);
  return 0;
}

/** `apply --github-issue` with nothing left to click on the plugin's list: an open clicks issue is done. */
async function closeClicksIssue(plan: Plan, context: CommandContext): Promise<void> {
  const { syncClicksIssue } = await import('../../github/clicksIssue.js');
  await syncClicksIssue({ plan, context, by: 'apply' });
}

function refusalMarkdown(message: string): string {
  return `### mapsync apply\n\n❌ Not applied: ${text(message)}\n`;
}

async function applyOrRefuse(options: ApplyOptions, context: CommandContext, planFile: string | undefined): Promise<number> {
  const { plan, store } = await obtainPlan(options, context, planFile);
  if (options.githubIssue && !plan.readOnly) context.log.debug(`--github-issue tracks clicks for the plugin's own list only; ${plan.store} is written by apply itself`);
  if (options.githubIssue && plan.readOnly && !hasChanges(plan) && !hasErrors(plan)) {
    try {
      await closeClicksIssue(plan, context);
    } catch (err) {
      await store.close().catch(() => undefined);
      throw err;
    }
  }
  if (planFile !== undefined && hasChanges(plan) && !plan.readOnly) context.log.info(`Applying ${planFile}: ${plan.summary.add.toLocaleString('en-US')} to add, ${plan.summary.remove.toLocaleString('en-US')} to remove (${plan.store}).`);
  const onOutcome = options.githubComment
    ? (outcome: ApplyOutcome) => commentOutcome({ kind: 'applied', plan, outcome }, context)
    : undefined;
  // A saved plan is checked against the mapping files (--dir, else the config's) under the lock.
  const crm = crmIdRules(context.config.crm);
  const mappingsDir = options.dir ?? context.config.mappingsDir;
  const verify = planFile === undefined ? undefined : (live: LiveState) => verifySavedPlan(plan, live, mappingsDir, crm);
  return applyAndReport({ plan, store, context, force: Boolean(options.force), verb: 'apply', planFile, onOutcome, verify });
}

/**
 * The changes are made (or refused) whatever GitHub says: a comment that cannot be posted is a
 * warning, never a different exit code — the job summary and the journal still hold the outcome.
 */
async function commentOutcome(report: ApplyReport, context: CommandContext): Promise<void> {
  try {
    const { publishApplyComment } = await import('../../github/applyComment.js');
    await publishApplyComment(report, context);
  } catch (err) {
    context.log.warn(`could not post the apply outcome on the pull request: ${(err as Error).message}`);
    if (err instanceof MapsyncError && err.hint) context.log.info(`hint: ${err.hint}`);
  }
}
