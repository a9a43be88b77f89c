// Finds the desired-state files: every *.yaml / *.yml under a folder, recursively, in a stable order.
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { MapsyncError } from '../errors.js';

const YAML_FILE = /\.ya?ml$/i;

/** Paths relative to the working directory (forward slashes), sorted so output is stable. */
export async function findMappingFiles(dir: string, cwd: string = process.cwd()): Promise<string[]> {
  const root = resolve(cwd, dir);
  const info = await stat(root).catch(() => undefined);
  if (info === undefined) {
    throw new MapsyncError(`mappings folder "${dir}" does not exist`, {
      code: 'mappings-folder-missing',
      hint: 'run mapsync from the repository root, or pass --dir (or set mappingsDir in mapsync.config.yaml)',
    });
  }
  if (!info.isDirectory()) {
    throw new MapsyncError(`"${dir}" is not a folder`, { code: 'mappings-folder-missing', hint: 'pass the folder that holds the mapping files with --dir' });
  }
  const found: string[] = [];
  await walk(root, found);
  return found.map((abs) => toDisplayPath(relative(cwd, abs))).sort(compareCodeUnits);
}

async function walk(folder: string, found: string[]): Promise<void> {
  const entries = await readdir(folder, { withFileTypes: true });
  for (const entry of entries) {
    const path = join(folder, entry.name);
    // Hidden files and folders (.git, editor state, a .draft.yaml set aside) never hold mappings.
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) {
      await walk(path, found);
    } else if (YAML_FILE.test(entry.name)) {
      // Symbolic links are followed only to files, so a link loop cannot trap the walk.
      if (entry.isFile() || (entry.isSymbolicLink() && (await stat(path).catch(() => undefined))?.isFile())) found.push(path);
    }
  }
}

function toDisplayPath(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
