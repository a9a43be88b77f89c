// `mapsync restore SNAPSHOT`: plans the way back to a snapshot written by apply and applies it
// through the same guards as apply (removal guard, "yes" or --auto-approve, lock, snapshot, journal).
import { checkPlanIsApplicable } from '../../apply/applyPlan.js';
import { planRestore, readSnapshot } from '../../apply/restore.js';
import { crmIdRules } from '../../crm/index.js';
import { MapsyncError } from '../../errors.js';
import { hasChanges, hasErrors, renderText } from '../../plan/render/index.js';
import { openStore } from '../../stores/index.js';
import type { Plan } from '../../model.js';
import type { CommandRunner } from '../action.js';
import { applyAndReport } from '../applyAndReport.js';
import { confirmOrRefuse } from '../confirm.js';
import type { CommandContext } from '../../context.js';

export interface RestoreOptions {
  store?: string;
  autoApprove?: boolean;
  force?: boolean;
}

export const runRestore: CommandRunner<RestoreOptions> = (options, context, args) => restoreSnapshot(options, context, args[0]!);

async function restoreSnapshot(options: RestoreOptions, context: CommandContext, snapshotPath: string): Promise<number> {
  const { snapshotOf } = await readSnapshot(snapshotPath, crmIdRules(context.config.crm));
  const storeSpec = options.store ?? snapshotOf?.store ?? context.config.store;
  const storeContext = { config: context.config, env: context.env, log: context.log, ports: context.ports };
  const store = await openStore(storeSpec, storeContext);
  let plan: Plan;
  try {
    if (snapshotOf?.store && snapshotOf.store !== store.spec) {
      context.log.warn(`the snapshot was taken of store "${snapshotOf.store}"; restoring it into "${store.spec}"`);
    }
    ({ plan } = await planRestore({ snapshot: snapshotPath, store, context: storeContext, safety: context.config.safety }));
    context.print(renderText(plan, { colors: context.colors }));
    if (hasErrors(plan)) {
      throw new MapsyncError('the snapshot cannot be restored as it is (see the errors above); nothing was changed', {
        hint: 'users it names no longer exist: copy the snapshot, drop those entries, and restore from the copy',
      });
    }
    if (hasChanges(plan)) {
      checkPlanIsApplicable(plan, store, context.config.safety, Boolean(options.force));
      await confirmOrRefuse({
        context,
        autoApprove: Boolean(options.autoApprove),
        verb: 'restore',
        question: 'Do you want to restore the store to this snapshot?',
        hint: 'pass --auto-approve',
      });
    }
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  if (!hasChanges(plan)) {
    await store.close().catch(() => undefined);
    return 0;
  }
  return applyAndReport({ plan, store, context, force: Boolean(options.force), verb: 'restore' });
}
