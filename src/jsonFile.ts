// Reads a JSON file the user named on the command line (a saved plan, a snapshot) with the
// errors an admin can act on: not found, unreadable, or not JSON at line:column.
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { MapsyncError } from './errors.js';
import { describeJsonSyntaxError } from './jsonError.js';

export interface JsonFile {
  /** The path as shown in messages: relative to the working directory. */
  shown: string;
  text: string;
  value: unknown;
}

export interface JsonFileKind {
  /** What the file is, in messages: "plan file", "snapshot". */
  name: string;
  notFoundHint: string;
  notJsonHint: string;
}

export async function readJsonFile(path: string, kind: JsonFileKind): Promise<JsonFile> {
  const shown = relative(process.cwd(), resolve(path)) || path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new MapsyncError(`${kind.name} ${shown} not found`, { hint: kind.notFoundHint });
    throw new MapsyncError(`cannot read ${kind.name} ${shown}: ${code === 'EISDIR' ? 'it is a directory' : (err as Error).message}`);
  }
  try {
    return { shown, text, value: JSON.parse(text) };
  } catch (err) {
    throw new MapsyncError(describeJsonSyntaxError(shown, text, err as Error), { hint: kind.notJsonHint });
  }
}
