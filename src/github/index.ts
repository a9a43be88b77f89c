// Placeholder until the GitHub issue lands: what the plan, drift and validate commands call.
import type { Plan } from '../model.js';
import type { CommandContext } from '../cli/context.js';
import { MapsyncError } from '../errors.js';

/** Creates or edits the one plan comment (marker <!-- mapsync:plan -->) on pull request `pr`. */
export async function publishPlanComment(_args: { plan: Plan; pr: number | undefined; context: CommandContext }): Promise<void> {
  throw new MapsyncError('--github-comment is not built yet');
}

/** Opens, updates or closes the one open `mapping-drift` issue. */
export async function syncDriftIssue(_args: { plan: Plan; context: CommandContext }): Promise<void> {
  throw new MapsyncError('--github-issue is not built yet');
}

/** Appends Markdown to the job summary when GITHUB_STEP_SUMMARY is set; a no-op elsewhere. */
export async function appendStepSummary(_markdown: string, _env: NodeJS.ProcessEnv): Promise<void> {}
