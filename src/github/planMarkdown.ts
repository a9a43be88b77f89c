// The plan as GitHub Markdown: the sticky PR comment and the job summary share this renderer.
// A plan too large for its budget keeps everything but the tail of the diff, and says so.
import type { Plan } from '../model.js';
import { countsLine, diffLines, driftCountsLine, errorsMarkdown, escapeMarkdown, hasErrors, warningsMarkdown, type Mode } from '../plan/render/index.js';
import { commitLink, countsPhrase, noMentions, plural, storeName } from './markdown.js';

export const PLAN_MARKER = '<!-- mapsync:plan -->';

/** Diffs longer than this are folded into <details> so the comment stays readable. */
const FOLD_AFTER_LINES = 20;
/** Warnings and errors listed in full up to this many; the rest are counted. */
const MAX_LISTED = 50;

export interface PlanMarkdownOptions {
  /** Hidden marker on the first line (the PR comment); omitted in the job summary. */
  marker?: string;
  /** Largest size allowed, measured by `measure`. */
  budget: number;
  /** String length for comments (GitHub counts characters); UTF-8 bytes for the job summary. */
  measure?: (text: string) => number;
  sha?: string;
  serverUrl: string;
  owner: string;
  repo: string;
  runUrl?: string;
  /** Where the reader finds everything when the diff had to be cut. */
  fullPlanHint: string;
  /** Replaces the "mapsync plan: …" heading (the drift issue has its own words). */
  heading?: string;
  /** A paragraph after the facts line, e.g. what the diff signs mean. */
  intro?: string;
  /** Replaces the "On merge" verdict at the end. */
  footer?: string;
  /** Plan (default) or drift wording for the counts. */
  mode?: Mode;
}

export interface RenderedPlan {
  markdown: string;
  /** Diff lines shown, out of plan.changes.length. */
  shownChanges: number;
  truncated: boolean;
}

/**
 * The plan renderer's warnings or errors section, listing at most MAX_LISTED items so thousands
 * of warnings cannot crowd the diff out of a comment; the heading keeps the true count.
 */
function capped<T>(items: readonly T[], render: (some: T[]) => string, what: string): string {
  if (items.length <= MAX_LISTED) return render([...items]).trimEnd();
  const text = render(items.slice(0, MAX_LISTED)).trimEnd()
    .replace(`(${MAX_LISTED})`, `(${items.length.toLocaleString('en-US')})`);
  return `${text}\n- … and ${plural(items.length - MAX_LISTED, `more ${what}`)}`;
}

/** What merging the pull request does: the sentence reviewers look for. */
function onMerge(plan: Plan): string {
  const total = plan.changes.length;
  const store = storeName(plan);
  if (hasErrors(plan)) return '**Merging applies nothing** until the errors above are fixed.';
  if (total === 0) return `**Merging applies nothing:** ${store} already matches \`mappings/\`.`;
  const these = `**Merging applies ${total === 1 ? 'this change' : `these ${total.toLocaleString('en-US')} changes`} to ${store}**`;
  if (plan.warnings.some((w) => w.code === 'unsafe-removals')) {
    return `${these}, but apply stops at the removal guard until a maintainer re-runs the apply workflow with \`force\`.`;
  }
  return `${these}${plan.summary.remove > 0 && plan.summary.add > 0 ? ' (removals first, then additions)' : ''}.`;
}

function build(plan: Plan, options: PlanMarkdownOptions, lines: string[], shown: number): string {
  const total = plan.changes.length;
  const out: string[] = [];
  if (options.marker) out.push(options.marker);
  out.push(options.heading ?? `### mapsync plan: ${countsPhrase(plan)}${hasErrors(plan) ? ' (with errors)' : ''}`, '');
  const facts = [
    commitLink(options.sha, options.serverUrl, options.owner, options.repo) && `Commit ${commitLink(options.sha, options.serverUrl, options.owner, options.repo)}`,
    `store ${storeName(plan)}`,
    options.runUrl && `[workflow run](${options.runUrl})`,
  ].filter(Boolean);
  out.push(facts.join(' · '), '');
  if (options.intro) out.push(options.intro, '');
  out.push(`**${(options.mode === 'drift' ? driftCountsLine : countsLine)(plan)}**`, '');

  if (total > 0) {
    const block = ['```diff', ...lines.slice(0, shown), '```'].join('\n');
    if (shown > FOLD_AFTER_LINES) {
      const label = shown < total ? `Show the first ${shown.toLocaleString('en-US')} of ${plural(total, 'change')}` : `Show ${plural(total, 'change')}`;
      out.push('<details>', `<summary>${label}</summary>`, '', block, '', '</details>', '');
    } else {
      out.push(block, '');
    }
    if (shown < total) {
      out.push('> [!NOTE]', `> This plan is too large to show here: ${shown.toLocaleString('en-US')} of ${plural(total, 'change')} are listed. ${options.fullPlanHint}`, '');
    }
  }

  const unsafe = plan.warnings.filter((w) => w.code === 'unsafe-removals');
  const others = plan.warnings.filter((w) => w.code !== 'unsafe-removals');
  // The removal guard decides what happens on merge, so it stands out as an alert, not a bullet.
  for (const warning of unsafe) {
    const item = warningsMarkdown({ ...plan, warnings: [warning] }).trim().split('\n').pop()!;
    out.push('> [!CAUTION]', `> ${item.replace(/^- /, '')}`, '');
  }
  if (others.length > 0) out.push(capped(others, (some) => warningsMarkdown({ ...plan, warnings: some }), 'warning'), '');
  if (hasErrors(plan)) out.push(capped(plan.errors!, (some) => errorsMarkdown({ ...plan, errors: some }), 'error'), '');
  out.push(options.footer ?? onMerge(plan), '');
  return noMentions(out.join('\n'));
}

/** Renders the plan within `options.budget`, cutting the diff (never the counts or the verdict). */
export function renderPlanMarkdown(plan: Plan, options: PlanMarkdownOptions): RenderedPlan {
  const measure = options.measure ?? ((text: string) => text.length);
  const lines = diffLines(plan, options.mode);
  const full = build(plan, options, lines, lines.length);
  if (measure(full) <= options.budget) return { markdown: full, shownChanges: lines.length, truncated: false };
  // Largest number of diff lines that still fits: the size grows with each line, so bisect.
  let low = 0;
  let high = lines.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (measure(build(plan, options, lines, mid)) <= options.budget) low = mid;
    else high = mid - 1;
  }
  let markdown = build(plan, options, lines, low);
  if (measure(markdown) > options.budget) markdown = hardCut(markdown, options.budget, measure);
  return { markdown, shownChanges: low, truncated: true };
}

/** Last resort when even the fixed parts are too big: cut on a line boundary. */
function hardCut(markdown: string, budget: number, measure: (t: string) => number): string {
  const note = '\n\n… (cut to fit GitHub\'s size limit)\n';
  let text = markdown;
  while (text.length > 0 && measure(text + note) > budget) text = text.slice(0, Math.max(0, text.lastIndexOf('\n', Math.floor(text.length * 0.9))));
  return text + note;
}

/** The comment for a commit that has no plan: why, and where the details are. */
export function renderPlanFailureMarkdown(message: string, github: { sha?: string; serverUrl: string; owner: string; repo: string; runUrl?: string }): string {
  const commit = commitLink(github.sha, github.serverUrl, github.owner, github.repo);
  const facts = [commit && `Commit ${commit}`, github.runUrl && `[workflow run](${github.runUrl})`].filter(Boolean).join(' · ');
  return [
    PLAN_MARKER,
    '### mapsync plan: no plan for this commit',
    '',
    ...(facts ? [facts, ''] : []),
    `> [!CAUTION]\n> ${noMentions(escapeMarkdown(message.split('\n')[0] ?? ''))}`,
    '',
    'The errors are annotated on the changed lines (see *Files changed*) and listed in the job log; `npx mapsync validate` shows them locally. This comment shows the plan again once they are fixed.',
    '',
    '**Merging applies nothing** from this commit.',
    '',
  ].join('\n');
}
