// Reads one mapping file as text, refusing what a YAML parser should never be handed.
import { open } from 'node:fs/promises';

/** Mapping files are small; anything bigger is a mistake (or an attack) and is refused unread. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export type ReadOutcome =
  | { ok: true; text: string }
  | { ok: false; message: string; line: number; column: number };

const decoder = new TextDecoder('utf-8', { fatal: true });

export async function readMappingText(path: string): Promise<ReadOutcome> {
  let bytes: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      if (size > MAX_FILE_BYTES) {
        return { ok: false, line: 1, column: 1, message: `file is ${formatMiB(size)}, over the 10 MiB limit for a mapping file; split it into several files` };
      }
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (err) {
    const reason = err instanceof Error && 'code' in err ? String((err as NodeJS.ErrnoException).code) : String(err);
    return { ok: false, line: 1, column: 1, message: `cannot read the file (${reason})` };
  }
  try {
    // A leading byte-order mark is accepted and dropped (TextDecoder does that by default).
    return { ok: true, text: decoder.decode(bytes) };
  } catch {
    const at = firstInvalidUtf8(bytes);
    return { ok: false, ...at, message: 'file is not valid UTF-8; save it as UTF-8' };
  }
}

/** Line and column (1-based, in characters) of the first byte that is not valid UTF-8. */
function firstInvalidUtf8(bytes: Buffer): { line: number; column: number } {
  const text = new TextDecoder('utf-8').decode(bytes);
  const bad = text.indexOf('\uFFFD');
  const before = bad < 0 ? text : text.slice(0, bad);
  const lastNewline = before.lastIndexOf('\n');
  const line = before.split('\n').length;
  return { line, column: before.length - lastNewline };
}

function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
