// The two renderings of a suggestion set: text for people, JSON for scripts (CONTRACT §7).
import type { Colors } from '../context.js';
import type { Suggestion, SuggestionSet, Unresolved } from './model.js';
import { crmLabel, normalizeEmail, seatLabel } from './rules.js';

/** `{"formatVersion": 1, "suggestions": [...], "unresolved": [...]}`, exactly the contract's fields. */
export function renderSuggestionsJson(set: SuggestionSet): string {
  const suggestions = set.suggestions.map((s) => ({
    action: s.action,
    reason: s.reason,
    crmUserId: s.crmUserId,
    outreachUserId: s.outreachUserId,
    ...(s.previousCrmUserId !== undefined ? { previousCrmUserId: s.previousCrmUserId } : {}),
    ...(s.file !== undefined ? { file: s.file } : {}),
    ...(s.line !== undefined ? { line: s.line } : {}),
  }));
  const unresolved = set.unresolved.map((u) => ({
    reason: u.reason,
    ...(u.crmUserId !== undefined ? { crmUserId: u.crmUserId } : {}),
    ...(u.outreachUserId !== undefined ? { outreachUserId: u.outreachUserId } : {}),
    ...(u.file !== undefined ? { file: u.file } : {}),
    ...(u.line !== undefined ? { line: u.line } : {}),
  }));
  return JSON.stringify({ formatVersion: 1, suggestions, unresolved }, null, 2) + '\n';
}

export function whereOf(x: { file?: string; line?: number }): string {
  return x.file === undefined ? '' : x.line === undefined ? x.file : `${x.file}:${x.line}`;
}

/** What the suggestion does, naming both users by ID and name. */
export function describeChange(s: Suggestion): string {
  switch (s.action) {
    case 'add':
      return `map ${crmLabel(s.crmUser)} to ${seatLabel(s.outreachUser)}`;
    case 'remove':
      return `unmap ${crmLabel(s.crmUser)} (inactive) from ${seatLabel(s.outreachUser)} (locked)`;
    case 'replace':
      return `${seatLabel(s.outreachUser)}: ${crmLabel(s.previousCrmUser!)} -> ${crmLabel(s.crmUser)}`;
  }
}

/** Why, in one clause. */
export function describeReason(s: Suggestion): string {
  const email = normalizeEmail(s.outreachUser.email);
  switch (s.reason) {
    case 'new-seat':
      return `the seat is not mapped, and ${s.crmUserId} is the one active CRM user with its email ${email}`;
    case 'crm-user-replaced':
      return `${s.previousCrmUserId} is inactive, and ${s.crmUserId} is the one active unmapped CRM user with the seat's email ${email}`;
    case 'seat-repurposed':
      return `the names differ, and ${s.crmUserId} is the one active unmapped CRM user with the seat's email ${email}`;
    case 'user-gone':
      return 'the Outreach seat is locked and the CRM user inactive';
  }
}

export function renderSuggestionsText(set: SuggestionSet, colors: Colors, options: { written?: { made: number; deferred: number; files: string[] } } = {}): string {
  const lines: string[] = [];
  const n = set.suggestions.length;
  lines.push(`Suggestions from the directories (CRM users: ${set.sources.crm}; Outreach users: ${set.sources.outreach})`, '');
  if (n === 0) lines.push('No suggestions: every mapping agrees with the directories.');
  for (const s of set.suggestions) {
    const action = s.action === 'add' ? colors.green('add    ') : s.action === 'remove' ? colors.red('remove ') : colors.yellow('replace');
    lines.push(`${action}  ${s.reason}  ${whereOf(s)}`);
    lines.push(`         ${describeChange(s)}`);
    lines.push(`         because ${describeReason(s)}`);
  }
  if (set.unresolved.length > 0) {
    lines.push('', `Unresolved (${set.unresolved.length}), left for a person and never edited:`);
    for (const u of set.unresolved) lines.push(`  ${unresolvedLine(u)}`);
  }
  lines.push('');
  const counts = `${n} suggestion${n === 1 ? '' : 's'}, ${set.unresolved.length} unresolved`;
  if (options.written) {
    const { made, deferred, files } = options.written;
    lines.push(made === 0 ? `${counts}; nothing to write.` : `${counts}; wrote ${made} to ${files.join(', ')}.`);
    if (deferred > 0) lines.push(`${deferred} more beyond suggest.maxSuggestions: run \`mapsync suggest --write\` again once these are merged.`);
  } else {
    lines.push(n > 0 ? `${counts}. Run \`mapsync suggest --write\` to make the edits in mappings/.` : `${counts}.`);
  }
  return lines.join('\n') + '\n';
}

export function unresolvedLine(u: Unresolved): string {
  const where = whereOf(u);
  return `${u.reason}${where ? `  ${where}` : ''}  ${u.detail}`;
}
