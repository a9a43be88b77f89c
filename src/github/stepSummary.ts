// The job summary: Markdown appended to the file named by GITHUB_STEP_SUMMARY. GitHub keeps at
// most 1 MiB per step, so what would overflow is cut on a line boundary with a note.
import { appendFile, stat } from 'node:fs/promises';
import { MapsyncError } from '../errors.js';
import { redact } from '../secrets.js';
import { STEP_SUMMARY_LIMIT_BYTES } from './limits.js';

const CUT_NOTE = '\n\n> [!NOTE]\n> The rest was cut: GitHub keeps at most 1 MiB of job summary per step.\n';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** Cuts Markdown to `maxBytes`, closing a code fence or <details> the cut left open. */
export function fitMarkdownBytes(markdown: string, maxBytes: number): string {
  if (bytes(markdown) <= maxBytes) return markdown;
  const room = maxBytes - bytes(CUT_NOTE) - bytes('\n```\n</details>\n');
  if (room <= 0) return '';
  // Bytes → characters: never more characters than bytes, so this slice is a safe start.
  let text = markdown.slice(0, room);
  while (bytes(text) > room) text = text.slice(0, Math.floor(text.length * 0.95));
  text = text.slice(0, Math.max(0, text.lastIndexOf('\n')));
  let closing = '';
  if ((text.match(/^```/gm) ?? []).length % 2 === 1) closing += '\n```';
  const opened = (text.match(/<details>/g) ?? []).length - (text.match(/<\/details>/g) ?? []).length;
  if (opened > 0) closing += '\n\n</details>'.repeat(opened);
  return text + closing + CUT_NOTE;
}

/** Bytes still free in this step's job summary, or undefined when there is no job summary. */
export async function stepSummaryRoom(env: NodeJS.ProcessEnv): Promise<number | undefined> {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file || file.trim() === '') return undefined;
  try {
    return Math.max(0, STEP_SUMMARY_LIMIT_BYTES - (await stat(file)).size);
  } catch {
    return STEP_SUMMARY_LIMIT_BYTES; // Not created yet: GitHub creates it, but a local run may not have.
  }
}

/** Appends Markdown to the job summary when GITHUB_STEP_SUMMARY is set; a no-op elsewhere. */
export async function appendStepSummary(markdown: string, env: NodeJS.ProcessEnv): Promise<void> {
  const room = await stepSummaryRoom(env);
  const file = env.GITHUB_STEP_SUMMARY;
  if (room === undefined || !file) return;
  const text = fitMarkdownBytes(redact(markdown.endsWith('\n') ? markdown : `${markdown}\n`, env), room);
  if (text === '') return;
  try {
    await appendFile(file, text, 'utf8');
  } catch (err) {
    throw new MapsyncError(`cannot write the job summary ${file}: ${(err as Error).message}`);
  }
}
