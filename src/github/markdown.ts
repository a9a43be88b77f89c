// GitHub-only Markdown bits. The plan's own pieces (counts, diff lines, warnings, errors) come
// from src/plan/render; this file adds what only GitHub needs: titles, links, list caps.
import type { Plan } from '../model.js';
import { inlineCode } from '../plan/render/index.js';

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
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

/** The commit as a short SHA linking to it, or undefined when unknown. */
export function commitLink(sha: string | undefined, serverUrl: string, owner: string, repo: string): string | undefined {
  if (!sha || !/^[0-9a-f]{7,64}$/i.test(sha)) return undefined;
  return `[\`${sha.slice(0, 7)}\`](${serverUrl}/${owner}/${repo}/commit/${sha})`;
}

export function storeName(plan: Plan): string {
  return inlineCode(plan.store);
}

/** The data can name people; a zero-width joiner after @ stops GitHub from notifying them. */
export function noMentions(markdown: string): string {
  // Only an @ that starts a word mentions someone; e-mail addresses are left alone.
  return markdown.replace(/(^|[^A-Za-z0-9_.+-])@(?=[A-Za-z0-9])/gm, '$1@\u200d');
}
