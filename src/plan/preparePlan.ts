// Placeholder until the reconciler issue lands: the shared "load desired, read live, check,
// diff" flow used by plan, drift, apply --auto-approve and the GitHub integration.
import type { CommandContext } from '../cli/context.js';
import type { DesiredState, LiveState, Plan } from '../model.js';
import type { MappingStore } from '../stores/store.js';
import { MapsyncError } from '../errors.js';

export interface PreparedPlan {
  plan: Plan;
  /** Still open: the caller closes it (apply keeps it to write). */
  store: MappingStore;
  desired: DesiredState;
  live: LiveState;
}

export interface PrepareOptions {
  /** Overrides config.store. */
  storeSpec?: string;
  /** Overrides config.mappingsDir. */
  mappingsDir?: string;
}

export async function preparePlan(_context: CommandContext, _options: PrepareOptions = {}): Promise<PreparedPlan> {
  throw new MapsyncError('planning is not built yet');
}
