// In the plan workflow that runs on workflow_run, mapsync.config.yaml is the pull request's: it
// arrives in the artifact with the mapping files, and the credentials of this run are in the
// environment. Its paths then must stay inside the pull request's folder: a config that pointed
// mappingsDir or a file store at a file of the runner (an absolute path, a `..`) would have the
// plan read that file with the run's credentials around and quote it in the comment.
import { isAbsolute } from 'node:path';
import { CONFIG_FILE } from './configFile.js';
import type { Config } from './config.js';
import { MapsyncError } from './errors.js';

/** Store specs whose argument is a path. */
const PATH_STORES = ['file:', 'plugin-export:'];

/** Absolute, a drive, a home folder or a `..`: the path is not inside the working directory. */
export function leavesFolder(path: string): boolean {
  return isAbsolute(path) || /^[A-Za-z]:/.test(path) || path.startsWith('~') || path.split(/[\\/]+/).includes('..');
}

/** Throws when the event is workflow_run and a path in the config leaves the working directory. */
export function refuseEscapingPaths(config: Config, env: NodeJS.ProcessEnv, file: string = CONFIG_FILE): void {
  if (env.GITHUB_EVENT_NAME !== 'workflow_run') return;
  const prefix = PATH_STORES.find((p) => config.store.startsWith(p));
  const paths: [string, string][] = [
    ['mappingsDir', config.mappingsDir],
    ['stateDir', config.stateDir],
    ['suggest.addTo', config.suggest.addTo],
    ...(prefix ? [['store', config.store.slice(prefix.length)] as [string, string]] : []),
  ];
  for (const [key, path] of paths) {
    if (!leavesFolder(path)) continue;
    throw new MapsyncError(`${file}: ${key} "${path}" leaves the pull request's folder: in a workflow_run plan the config comes from the pull request, so its paths must stay inside it`, {
      hint: 'use a path relative to the repository root, without ..',
    });
  }
}
