// The plan in the job summary: every change when it fits in what is left of the step's 1 MiB;
// otherwise as much as fits (removals first) and a pointer to the `mapsync-plan` artifact.
import type { CommandContext } from '../context.js';
import type { Plan } from '../model.js';
import type { Mode } from '../plan/render/index.js';
import { readGitHubContextForLinks } from './context.js';
import { fullPlanSentence } from './markdown.js';
import { githubBody } from './planMarkdown.js';
import { renderBody } from '../plan/render/index.js';
import { appendStepSummary, stepSummaryRoom } from './stepSummary.js';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
/** Room kept free for redaction and the newline appendStepSummary may add. */
const HEADROOM_BYTES = 1024;

/**
 * Appends the plan to the job summary. Returns where a reader finds every change: 'summary' when
 * it all fitted, 'artifact' when it did not (or there is no job summary).
 */
export async function writePlanSummary(plan: Plan, context: CommandContext, mode: Mode): Promise<'summary' | 'artifact'> {
  const room = await stepSummaryRoom(context.env);
  if (room === undefined) return 'artifact';
  const place = readGitHubContextForLinks(context.env);
  const body = renderBody(plan, githubBody(place, {
    mode,
    budget: Math.max(0, room - HEADROOM_BYTES),
    measure: bytes,
    fullPlan: fullPlanSentence(place, 'artifact'),
  }));
  await appendStepSummary(body.markdown, context.env);
  return body.truncated ? 'artifact' : 'summary';
}
