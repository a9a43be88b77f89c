// `mapsync restore SNAPSHOT`: plans the way back to a snapshot written by apply and applies it
// through the same guards as apply (removal guard, "yes" or --auto-approve, lock, snapshot, journal).
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { applyPlan, checkPlanIsApplicable } from '../../apply/applyPlan.js';
import { completionLine, failureLine, summaryMarkdown } from '../../apply/report.js';
import { planRestore, readSnapshot } from '../../apply/restore.js';
import { MapsyncError } from '../../errors.js';
import { appendStepSummary } from '../../github/index.js';
import { hasChanges, hasErrors, renderText } from '../../plan/render/index.js';
import { openStore } from '../../stores/index.js';
import { action } from '../action.js';
import type { CommandContext } from '../context.js';

interface RestoreOptions {
  store?: string;
  autoApprove?: boolean;
  force?: boolean;
}

const PROMPT = "Do you want to restore the store to this snapshot? Only 'yes' will be accepted: ";

async function askYes(): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    // Ctrl-C and end of input are answers too: "no".
    const interrupted = new Promise<string>((resolve) => {
      rl.on('SIGINT', () => resolve(''));
      rl.on('close', () => resolve(''));
    });
    const answer = await Promise.race([rl.question(`\n${PROMPT}`), interrupted]);
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

export function registerRestore(program: Command): void {
  program
    .command('restore')
    .description('take the live store back to a snapshot written by apply (plans the changes, then applies them like apply)')
    .argument('<snapshot>', 'a snapshot file, e.g. .mapsync/snapshots/2026-11-24T23-30-05.123Z.json')
    .option('--store <spec>', "store: file:PATH, salesforce or outreach (default: the store the snapshot was taken of, else config)")
    .option('--auto-approve', 'restore without asking')
    .option('--force', 'restore even when it removes more mappings than the safety guard allows')
    .addHelpText('after', '\nExit codes: 0 restored (or already equal) · 1 error, unsafe plan, cancelled, or a change failed')
    .action(action<RestoreOptions>((options, context, args) => runRestore(options, context, args[0]!)));
}

async function runRestore(options: RestoreOptions, context: CommandContext, snapshotPath: string): Promise<number> {
  const { snapshotOf } = await readSnapshot(snapshotPath);
  const storeSpec = options.store ?? snapshotOf?.store ?? context.config.store;
  const storeContext = { config: context.config, env: context.env, log: context.log };
  const store = await openStore(storeSpec, storeContext);
  try {
    if (snapshotOf?.store && snapshotOf.store !== store.spec) {
      context.log.warn(`the snapshot was taken of store "${snapshotOf.store}"; restoring it into "${store.spec}"`);
    }
    const { plan } = await planRestore({ snapshot: snapshotPath, store, context: storeContext, safety: context.config.safety });
    context.print(renderText(plan, { colors: context.colors }));
    if (hasErrors(plan)) {
      throw new MapsyncError('the snapshot cannot be restored as it is (see the errors above); nothing was changed', {
        hint: 'users it names no longer exist: copy the snapshot, drop those entries, and restore from the copy',
      });
    }
    if (!hasChanges(plan)) return 0;
    checkPlanIsApplicable(plan, store, context.config.safety, Boolean(options.force));
    if (!options.autoApprove) {
      if (!context.stdinIsTTY || !context.stdoutIsTTY) {
        throw new MapsyncError('restore needs confirmation, and there is no terminal to ask on', { hint: 'pass --auto-approve' });
      }
      if (!(await askYes())) throw new MapsyncError("restore cancelled: only 'yes' is accepted; nothing was changed");
    }
    const outcome = await applyPlan({
      plan,
      store,
      stateDir: context.config.stateDir,
      safety: context.config.safety,
      force: Boolean(options.force),
      env: context.env,
      progress: { stream: process.stderr, isTTY: Boolean(process.stderr.isTTY), line: (text) => context.log.info(text) },
    });
    await appendStepSummary(summaryMarkdown(plan, outcome), context.env).catch((err: Error) => context.log.warn(err.message));
    for (const failed of outcome.failed) context.log.info(`error: ${failureLine(failed)}`);
    context.print(`${completionLine(outcome).replace(/^Apply/, 'Restore').replace('run plan and apply again', 'run restore again')}\n`);
    context.log.info(`Snapshot of the live mappings before this restore: ${outcome.snapshot}; journal: ${outcome.journal}`);
    return outcome.failed.length === 0 ? 0 : 1;
  } finally {
    await store.close().catch(() => undefined);
  }
}
