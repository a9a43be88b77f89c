// What `init` needs to know about the installed mapsync package: where it is (for the schema
// modeline), its version and the GitHub repository its action lives in (for `uses:`).
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCHEMA_FILE = 'schema/user-mappings.schema.json';

export interface PackageInfo {
  /** The package's own folder (dist/init/ sits two levels below it). */
  root: string;
  name: string;
  version: string;
  /** `owner/name` of the GitHub repository, from package.json `repository`; undefined if none. */
  githubRepository?: string;
}

export function packageInfo(): PackageInfo {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown; repository?: unknown };
  return {
    root,
    name: typeof manifest.name === 'string' ? manifest.name : 'mapsync',
    version: typeof manifest.version === 'string' ? manifest.version : '0.0.0',
    githubRepository: githubSlug(manifest.repository),
  };
}

/**
 * `owner/name` from the forms npm accepts for `repository`: "github:owner/name", "owner/name",
 * a git or https URL on github.com, or an object whose `url` is one of those.
 */
export function githubSlug(repository: unknown): string | undefined {
  const raw = typeof repository === 'string' ? repository
    : repository !== null && typeof repository === 'object' && typeof (repository as { url?: unknown }).url === 'string' ? (repository as { url: string }).url
      : undefined;
  if (raw === undefined) return undefined;
  const shorthand = /^(?:github:)?([\w.-]+)\/([\w.-]+)$/.exec(raw);
  if (shorthand) return `${shorthand[1]}/${shorthand[2]!.replace(/\.git$/, '')}`;
  const url = /github\.com[/:]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(raw);
  return url ? `${url[1]}/${url[2]}` : undefined;
}

/**
 * The schema the modeline should point at: the copy in the project's own node_modules when the
 * package is installed there (the path every clone of the repository has after `npm ci`), else
 * wherever this running copy of mapsync is (a global install, a checkout).
 */
export function installedSchema(projectDir: string, info: PackageInfo): string {
  const local = join(projectDir, 'node_modules', info.name, SCHEMA_FILE);
  if (existsSync(local)) return local;
  const own = join(info.root, SCHEMA_FILE);
  return existsSync(own) ? realpathSync(own) : own;
}
