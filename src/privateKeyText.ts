// A PEM private key from the environment, for the clients that sign their own JWTs (Salesforce's
// JWT bearer flow, Snowflake's key-pair JWT): the key itself in one variable, or a file named by
// another. It is registered as a secret whole and line by line before anything can print it, so
// even a fragment in a library's message is masked.
import { readFileSync } from 'node:fs';
import { MapsyncError } from './errors.js';
import { registerSecret } from './secrets.js';

export interface PrivateKeyVariables<Inline extends string, File extends string> {
  /** The variable holding the PEM itself; it wins when both are set. */
  inline: Inline;
  /** The variable naming a PEM file. */
  file: File;
  /** What to do when the file cannot be read. */
  fileHint: string;
}

function registerKey(pem: string): void {
  registerSecret(pem);
  registerSecret(pem.trim());
  for (const line of pem.split(/\r?\n/)) if (!line.startsWith('-----') && line.trim().length >= 16) registerSecret(line.trim());
}

/** The PEM text and the variable it came from (registered as a secret). */
export function readPrivateKeyText<Inline extends string, File extends string>(env: NodeJS.ProcessEnv, vars: PrivateKeyVariables<Inline, File>): { text: string; from: Inline | File } {
  const inline = env[vars.inline];
  if (inline !== undefined && inline.trim() !== '') {
    registerSecret(inline);
    // A secret pasted with literal "\n" (a common way to fit a PEM into one line) is a PEM too.
    const text = inline.includes('\n') ? inline : inline.replace(/\\n/g, '\n');
    registerKey(text);
    return { text, from: vars.inline };
  }
  const path = (env[vars.file] ?? '').trim();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new MapsyncError(`${vars.file} ${path}: cannot read the private key (${code})`, { hint: vars.fileHint });
  }
  registerKey(text);
  return { text, from: vars.file };
}
