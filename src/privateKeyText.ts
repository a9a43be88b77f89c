// A PEM private key from the environment, for the clients that sign their own JWTs (Salesforce's
// JWT bearer flow, Snowflake's key-pair JWT): the key itself in one variable, or a file named by
// another. It is registered as a secret whole and line by line before anything can print it, so
// even a fragment in a library's message is masked.
import { createPrivateKey, type KeyObject } from 'node:crypto';
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

export interface RsaKeyAdvice {
  /** What to do when the text is no usable (unencrypted) PEM private key. */
  pemHint: string;
  /** Who needs RSA, e.g. "Salesforce's JWT bearer flow". */
  needsRsa: string;
  /** How to make an RSA key for that service. */
  rsaHint: string;
}

/** The RSA private key from the environment, for RS256 signatures; one clear line when it is not one. */
export function readRsaPrivateKey<Inline extends string, File extends string>(
  env: NodeJS.ProcessEnv,
  vars: PrivateKeyVariables<Inline, File>,
  advice: RsaKeyAdvice,
): { key: KeyObject; from: Inline | File } {
  const { text, from } = readPrivateKeyText(env, vars);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: text, format: 'pem' });
  } catch (err) {
    const reason = (err as { code?: string }).code === 'ERR_MISSING_PASSPHRASE' ? 'it is encrypted with a passphrase' : (err as Error).message.split('\n')[0];
    throw new MapsyncError(`${from} is not a usable PEM private key: ${reason}`, { hint: advice.pemHint });
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new MapsyncError(`${from} is ${key.asymmetricKeyType ? `an ${key.asymmetricKeyType.toUpperCase()}` : 'not an RSA'} key: ${advice.needsRsa} needs an RSA key (RS256)`, { hint: advice.rsaHint });
  }
  return { key, from };
}
