// In GitHub Actions, plan errors also become annotations on the YAML line that caused them, so a
// reviewer sees "CRM user … is not in Salesforce" right in the pull request's diff.
import { escapeData, escapeProperty } from '../desired/report.js';
import type { Logger } from '../log.js';
import type { Plan } from '../model.js';

/** GitHub shows at most 10 error annotations per step; more would only lengthen the log. */
const MAX_ANNOTATIONS = 10;

export function annotatePlanErrors(plan: Plan, env: NodeJS.ProcessEnv, log: Logger): void {
  if (env.GITHUB_ACTIONS !== 'true') return;
  // stderr, so that stdout stays a clean plan (JSON included); the runner reads commands from both.
  for (const e of (plan.errors ?? []).slice(0, MAX_ANNOTATIONS)) {
    log.info(`::error file=${escapeProperty(e.file)},line=${e.line},col=${e.column},title=${escapeProperty(e.code)}::${escapeData(e.message)}`);
  }
}
