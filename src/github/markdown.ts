// Markdown pieces shared by the PR comment, the drift issue and the job summary.
// Text that came from YAML or a store (names, messages) is escaped so it cannot open HTML,
// close our code block, or @-mention people on GitHub.
import type { Change, Plan, PlanError, Warning } from '../model.js';

/** Escapes text shown outside code blocks. */
export function escapeText(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1')
    // A zero-width joiner after @ stops GitHub from notifying a user or team named in the data.
    .replace(/@/g, '@\u200d');
}

/** Text inside a ```diff block: one line, and no run of backticks that could end the fence. */
function codeText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/`/g, "'");
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export function hasErrors(plan: Plan): boolean {
  return (plan.errors?.length ?? 0) > 0;
}

/** "**2 to add · 1 to remove** · 10 unchanged" */
export function countsLine(plan: Plan): string {
  const { add, remove, unchanged } = plan.summary;
  return `**${add.toLocaleString('en-US')} to add · ${remove.toLocaleString('en-US')} to remove** · ${unchanged.toLocaleString('en-US')} unchanged`;
}

/** "2 to add, 1 to remove" or "no changes", for titles. */
export function countsPhrase(plan: Plan): string {
  const { add, remove } = plan.summary;
  if (add === 0 && remove === 0) return 'no changes';
  const parts: string[] = [];
  if (add > 0) parts.push(`${add.toLocaleString('en-US')} to add`);
  if (remove > 0) parts.push(`${remove.toLocaleString('en-US')} to remove`);
  return parts.join(', ');
}

/**
 * Changes in reading order: by CRM user, a remove just before the add of the same user, so a
 * re-pointed seat reads as a `-` line followed by its `+` line. (Apply still removes first.)
 */
export function displayOrder(changes: readonly Change[]): Change[] {
  return [...changes].sort((a, b) =>
    a.crmUserId < b.crmUserId ? -1 : a.crmUserId > b.crmUserId ? 1
      : a.action !== b.action ? (a.action === 'remove' ? -1 : 1)
      : a.outreachUserId - b.outreachUserId);
}

function removeLabel(change: Extract<Change, { action: 'remove' }>): string {
  const crm = change.crmUserName;
  const outreach = change.outreachUserName;
  if (crm && outreach && crm !== outreach) return `${crm} / Outreach: ${outreach}`;
  return crm ?? outreach ?? '';
}

/** Renders changes as aligned diff lines: `- <crm id> → <outreach id>  <name>  <where>`. */
export function diffLines(changes: readonly Change[]): string[] {
  const idWidth = Math.max(1, ...changes.map((c) => String(c.outreachUserId).length));
  const labels = changes.map((c) => codeText(c.action === 'remove' ? removeLabel(c) : c.name ?? ''));
  const labelWidth = Math.min(32, Math.max(0, ...labels.map((l) => l.length)));
  return changes.map((change, i) => {
    const sign = change.action === 'remove' ? '-' : '+';
    const id = String(change.outreachUserId).padEnd(idWidth);
    const where = change.action === 'add' ? `  ${codeText(change.file)}:${change.line}` : '';
    return `${sign} ${change.crmUserId} → ${id}  ${labels[i]!.padEnd(labelWidth)}${where}`.trimEnd();
  });
}

/** Long messages are clipped so a few odd records cannot crowd out the plan. */
function clip(text: string, max = 500): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function warningLines(warnings: readonly Warning[]): string[] {
  return warnings.map((w) => `- \`${w.code}\` ${escapeText(clip(w.message))}`);
}

export function errorLines(errors: readonly PlanError[]): string[] {
  return errors.map((e) => `- \`${codeText(e.file)}:${e.line}:${e.column}\` \`${e.code}\` ${escapeText(clip(e.message))}`);
}

/** A fenced diff block. */
export function diffBlock(lines: readonly string[]): string {
  return ['```diff', ...lines, '```'].join('\n');
}

/** The commit as a short linked SHA, or undefined when unknown. */
export function commitLink(sha: string | undefined, serverUrl: string, owner: string, repo: string): string | undefined {
  if (!sha) return undefined;
  return `[\`${sha.slice(0, 7)}\`](${serverUrl}/${owner}/${repo}/commit/${sha})`;
}

export function storeName(plan: Plan): string {
  return `\`${codeText(plan.store)}\``;
}
