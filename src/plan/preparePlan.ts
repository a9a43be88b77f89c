// The shared "load desired, read live, check, diff" flow used by plan, drift, apply
// --auto-approve and the GitHub integration.
import type { CommandContext } from '../context.js';
import { loadValidDesired } from '../desired/loadValid.js';
import { crmIdRules } from '../crm/index.js';
import { resolveDirectories } from '../directories/index.js';
import type { Directories } from '../directories/directory.js';
import type { DesiredState, LiveState, Plan, PlanNote } from '../model.js';
import { startStore } from '../stores/openEarly.js';
import type { MappingStore } from '../stores/store.js';
import { computePlanDetails } from './computePlan.js';
import { releaseGarbage } from '../memory.js';

export interface PreparedPlan {
  plan: Plan;
  /** Still open: the caller closes it (apply keeps it to write). */
  store: MappingStore;
  desired: DesiredState;
  /** As the store listed it, with names filled in from the directories where it had none. */
  live: LiveState;
}

export interface PrepareOptions {
  /** Overrides config.store. */
  storeSpec?: string;
  /** Overrides config.mappingsDir. */
  mappingsDir?: string;
}

export async function preparePlan(context: CommandContext, options: PrepareOptions = {}): Promise<PreparedPlan> {
  const mappingsDir = options.mappingsDir ?? context.config.mappingsDir;
  const storeContext = { config: context.config, env: context.env, log: context.log, ports: context.ports };
  // A store that lists over the network starts now; the files are read while it answers.
  const start = await startStore(options.storeSpec ?? context.config.store, storeContext);
  let desired: DesiredState;
  try {
    desired = await loadValidDesired(mappingsDir, crmIdRules(context.config.crm), context.log, 'no plan was made');
  } catch (err) {
    await start.abandon();
    throw err;
  }
  releaseGarbage(desired.mappings.length);
  const { store, live: listing } = await start.take();
  try {
    const live = await listing;
    releaseGarbage(live.mappings.length);
    const directories = await resolveDirectories(store.directories(), storeContext);
    const details = await computePlanDetails({
      storeSpec: store.spec,
      desired,
      live,
      directories,
      safety: context.config.safety,
      readOnly: store.readOnly,
      notes: planNotes(store, directories),
    });
    return { plan: details.plan, store, desired, live: details.live };
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}

/**
 * Said once on the plan: a read-only store (the plugin's list) knows no CRM users, so without a
 * CRM directory (`directories.crm`, or CRM credentials) nothing on the CRM side is checked.
 */
function planNotes(store: MappingStore, directories: Directories): PlanNote[] {
  if (!store.readOnly || directories.crm) return [];
  return [{
    code: 'crm-checks-skipped',
    message: `CRM users were not checked (whether they exist, are active, and their names): ${store.spec} knows only Outreach users; set directories.crm in mapsync.config.yaml to read them from the CRM`,
  }];
}
