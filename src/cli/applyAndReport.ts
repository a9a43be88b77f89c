// Runs the apply engine for apply and restore alike, and reports the outcome the same way:
// failures on stderr (grouped when many), the closing line, snapshot and journal, job summary.
import { applyPlan, type ApplyOutcome } from '../apply/applyPlan.js';
import { DEFAULT_INTERRUPT_GRACE_MS } from '../apply/driveStore.js';
import { completionLine, failureLines, summaryMarkdown } from '../apply/report.js';
import { appendStepSummary } from '../github/stepSummary.js';
import type { LiveState, Plan } from '../model.js';
import type { MappingStore } from '../stores/store.js';
import type { CommandContext } from '../context.js';
import { exitCodeFor, graceFromEnv, watchInterrupts } from './interrupts.js';

export interface ApplyAndReportArgs {
  plan: Plan;
  store: MappingStore;
  context: CommandContext;
  force: boolean;
  verb: 'apply' | 'restore';
  planFile?: string;
  /** Checks under the lock before anything is written (a saved plan against the mapping files). */
  verify?: (live: LiveState) => Promise<void>;
  /** Told the outcome once it is reported (apply --github-comment posts it on the merged PR). */
  onOutcome?: (outcome: ApplyOutcome) => Promise<void>;
}

/** Applies `plan` through `store` (which it closes) and returns the exit code. */
export async function applyAndReport(args: ApplyAndReportArgs): Promise<number> {
  const { plan, store, context } = args;
  let outcome: ApplyOutcome;
  const graceMs = graceFromEnv(context.env, DEFAULT_INTERRUPT_GRACE_MS);
  // From here to the release of the lock, SIGINT/SIGTERM stop the run cleanly (see interrupts.ts).
  const interrupts = watchInterrupts((line) => context.log.info(line), graceMs);
  try {
    outcome = await applyPlan({
      plan,
      store,
      stateDir: context.config.stateDir,
      safety: context.config.safety,
      force: args.force,
      env: context.env,
      planFile: args.planFile,
      verify: args.verify,
      progress: { stream: process.stderr, isTTY: Boolean(process.stderr.isTTY), line: (text) => context.log.info(text) },
      signal: interrupts.signal,
      interruptGraceMs: graceMs,
      // A snapshot is brought back pair for pair, also where it mapped a user twice.
      mapUsersTwice: args.verb === 'restore',
    });
  } finally {
    interrupts.stop();
    await store.close().catch(() => undefined);
  }
  // The changes are made: a job summary that cannot be written must not turn that into a failure.
  await appendStepSummary(summaryMarkdown(plan, outcome, args.verb), context.env).catch((err: Error) => context.log.warn(err.message));
  await args.onOutcome?.(outcome);
  if (outcome.interrupted) return reportInterrupted(outcome, args, context);
  if (outcome.results.length === 0) {
    if (args.planFile !== undefined) context.print('No changes. Nothing to apply.\n');
    return 0;
  }
  for (const line of failureLines(outcome.failed, outcome.journal)) context.log.info(`error: ${line}`);
  context.print(`${completionLine(outcome, args.verb)}\n`);
  context.log.info(`Snapshot of the live mappings before this ${args.verb}: ${outcome.snapshot}; journal: ${outcome.journal}`);
  return outcome.failed.length === 0 ? 0 : 1;
}

/**
 * The interrupted run's report: failures, the one line with what was made and what is left, the
 * snapshot and journal. Writes abandoned after the grace period may still hold sockets open, so
 * the process exits as soon as this is printed instead of waiting for them.
 */
function reportInterrupted(outcome: ApplyOutcome, args: ApplyAndReportArgs, context: CommandContext): number {
  for (const line of failureLines(outcome.failed, outcome.journal)) context.log.info(`error: ${line}`);
  context.print(`${completionLine(outcome, args.verb)}\n`);
  if (outcome.snapshot) context.log.info(`Snapshot of the live mappings before this ${args.verb}: ${outcome.snapshot}; journal: ${outcome.journal}`);
  const code = exitCodeFor(outcome.interrupted?.signal);
  setImmediate(() => process.exit(code));
  return code;
}
