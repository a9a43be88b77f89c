// The version `mapsync --version` prints: the one in package.json, read at run time so that it
// can never disagree with the package that was installed (dist/cli/ sits two levels below it).
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}
