// Placeholder until the reconciler issue lands: the plan engine's public signature.
import type { SafetyConfig } from '../config.js';
import type { Directories } from '../directories/directory.js';
import type { DesiredState, LiveState, Plan } from '../model.js';
import { MapsyncError } from '../errors.js';

export interface PlanInput {
  storeSpec: string;
  desired: DesiredState;
  live: LiveState;
  directories: Directories;
  safety: SafetyConfig;
}

export async function computePlan(_input: PlanInput): Promise<Plan> {
  throw new MapsyncError('planning is not built yet');
}
