// The plan as the sticky PR comment, and the comment for a commit that has no plan. The body is
// the one plan renderer; this adds the marker, where it comes from, and links into GitHub.
import type { ErrorDetail } from '../errors.js';
import type { Plan } from '../model.js';
import { code, count, plural, text } from '../markdown/escape.js';
import { renderBody, type BodyOptions, type RenderedBody } from '../plan/render/index.js';
import { facts, sourceLinker, type GitHubPlace } from './markdown.js';

export const PLAN_MARKER = '<!-- mapsync:plan -->';

export interface PlanCommentOptions {
  budget: number;
  /** Where every change is when the comment is cut. */
  fullPlan: string;
  appendix?: string[];
}

export function renderPlanComment(plan: Plan, place: GitHubPlace, options: PlanCommentOptions): RenderedBody {
  return renderBody(plan, githubBody(place, { marker: PLAN_MARKER, budget: options.budget, fullPlan: options.fullPlan, appendix: options.appendix }));
}

/** The GitHub parts every body shares: commit and run links, source links at the planned commit. */
export function githubBody(place: GitHubPlace, options: BodyOptions): BodyOptions {
  return { ...options, facts: [...facts(place), ...(options.facts ?? [])], sourceUrl: sourceLinker(place) };
}

/** How many errors the "no plan" comment lists; `mapsync validate` and the annotations have the rest. */
const FAILURE_ERRORS_LISTED = 20;

/** The comment for a commit that has no plan: why, the first errors (file:line: message), and where the rest are. */
export function renderPlanFailureMarkdown(message: string, errors: readonly ErrorDetail[], place: GitHubPlace): string {
  const where = (e: ErrorDetail) => (e.file ? `${e.file}${e.line ? `:${e.line}` : ''}${e.column ? `:${e.column}` : ''}` : undefined);
  const listed = errors.slice(0, FAILURE_ERRORS_LISTED).map((e) => {
    const at = where(e);
    return `- ❌ ${at ? `${code(at)}: ` : ''}${text(e.message)} ${code(e.code)}`;
  });
  if (errors.length > FAILURE_ERRORS_LISTED) listed.push(`- … and ${plural(errors.length - FAILURE_ERRORS_LISTED, 'more error')}`);
  const source = facts(place);
  return [
    PLAN_MARKER,
    '### mapsync plan: no plan for this commit',
    '',
    ...(source.length > 0 ? [source.join(' · '), ''] : []),
    '> [!CAUTION]',
    `> **Merging applies nothing from this commit:** ${text(message.split('\n')[0] ?? '')}`,
    '',
    ...(listed.length > 0 ? [`**${errors.length === 1 ? 'The error' : errors.length > FAILURE_ERRORS_LISTED ? `The first ${count(FAILURE_ERRORS_LISTED)} of ${count(errors.length)} errors` : `The ${count(errors.length)} errors`}**`, '', ...listed, ''] : []),
    'The errors are also annotated on the changed lines (see *Files changed*); `npx mapsync validate` shows them locally. This comment shows the plan again once they are fixed.',
    '',
  ].join('\n');
}
