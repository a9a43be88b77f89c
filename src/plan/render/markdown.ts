// The Markdown view: job summary, PR comment (engineer F composes it from these building
// blocks), drift issue. Names and messages come from outside, so everything is escaped.
import type { Plan } from '../../model.js';
import { groupChanges } from './changeGroups.js';
import { countsLine, driftCountsLine, hasChanges, oneLine } from './describe.js';
import { alignRows, rowOf, type ChangeRow, type Mode } from './lines.js';

export { countsLine, driftCountsLine } from './describe.js';

/** Escapes text for Markdown prose (list items, paragraphs), including inline HTML. */
export function escapeMarkdown(text: string): string {
  return oneLine(text)
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/[\\`*_{}\[\]()#+!|~]/g, (ch) => `\\${ch}`);
}

/** Inline code that no backtick in the text can break out of. */
export function inlineCode(text: string): string {
  return `\`${oneLine(text).replace(/`/g, "'")}\``;
}

/**
 * One `-`/`+` line per change for a ```diff block, in display order: a re-pointed seat is its
 * `-` line directly followed by its `+` line.
 */
export function diffLines(plan: Plan, mode: Mode = 'plan'): string[] {
  const rows: ChangeRow[] = [];
  for (const group of groupChanges(plan.changes)) {
    if (group.kind === 'replace') {
      rows.push(rowOf({ kind: 'remove', remove: group.remove }, mode), rowOf({ kind: 'add', add: group.add }, mode));
    } else {
      rows.push(rowOf(group, mode));
    }
  }
  // Backticks are the only thing that could end the fence early.
  return alignRows(rows).map((l, i) => `${rows[i]!.symbol} ${l.pair}${l.rest ? `  ${l.rest}` : ''}`.trimEnd().replace(/`/g, "'"));
}

/** A ```diff block of the changes; with `maxLines`, longer plans are cut with a note. */
export function diffBlock(plan: Plan, options: { mode?: Mode; maxLines?: number } = {}): string {
  const lines = diffLines(plan, options.mode);
  if (lines.length === 0) return '';
  const max = options.maxLines ?? Infinity;
  const shown = lines.length > max ? lines.slice(0, max) : lines;
  const more = lines.length - shown.length;
  const note = more > 0 ? `\n_…and ${more} more ${more === 1 ? 'line' : 'lines'} not shown._\n` : '';
  return '```diff\n' + shown.join('\n') + '\n```\n' + note;
}

/** "**Warnings**" and a list, or '' when there are none. */
export function warningsMarkdown(plan: Plan): string {
  if (plan.warnings.length === 0) return '';
  const items = plan.warnings.map((w) => `- ⚠️ ${inlineCode(w.code)} ${escapeMarkdown(w.message)}`);
  return `**Warnings (${plan.warnings.length})**\n\n${items.join('\n')}\n`;
}

/** "**Errors**" and a list naming file:line, or '' when there are none. */
export function errorsMarkdown(plan: Plan): string {
  const errors = plan.errors ?? [];
  if (errors.length === 0) return '';
  const items = errors.map((e) => `- ❌ ${inlineCode(`${e.file}:${e.line}:${e.column}`)} ${inlineCode(e.code)} ${escapeMarkdown(e.message)}`);
  return `**Errors (${errors.length}) — this plan cannot be applied**\n\n${items.join('\n')}\n`;
}

export interface MarkdownOptions {
  mode?: Mode;
  /** Heading text (plain); defaults to "mapsync plan" / "Mapping drift". */
  title?: string;
  /** Cap on diff lines, to stay within a comment's size limit. */
  maxLines?: number;
}

export function renderMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const mode = options.mode ?? 'plan';
  const title = options.title ?? (mode === 'plan' ? 'mapsync plan' : 'Mapping drift');
  const counts = mode === 'plan' ? countsLine(plan) : driftCountsLine(plan);
  const sections = [
    `### ${escapeMarkdown(title)} · ${inlineCode(plan.store)}`,
    `**${escapeMarkdown(counts)}**`,
  ];
  // Errors and warnings before the diff: they are what a reviewer must act on, and a long diff
  // cut to fit a size limit then never takes them with it.
  const errors = errorsMarkdown(plan);
  if (errors) sections.push(errors.trimEnd());
  const warnings = warningsMarkdown(plan);
  if (warnings) sections.push(warnings.trimEnd());
  if (hasChanges(plan)) sections.push(diffBlock(plan, { mode, maxLines: options.maxLines }).trimEnd());
  return sections.join('\n\n') + '\n';
}
