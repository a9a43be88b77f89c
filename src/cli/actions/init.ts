// `mapsync init`: makes an empty repository ready for mapsync (CONTRACT §13): an example mapping
// file, mapsync.config.yaml, the check/plan/apply/drift workflows and the .gitignore lines. It never
// overwrites or edits a file (.gitignore is only appended to) and names every file it left alone.
// (Its flags and help are in ../commands/init.ts.)
import type { CommandRunner } from '../action.js';
import { CRM_NAMES, type CrmName } from '../../crm/index.js';
import { leavesFolder } from '../../configFromPullRequest.js';
import { MapsyncError } from '../../errors.js';
import { installedSchema, packageInfo } from '../../init/packageInfo.js';
import { scaffold } from '../../init/scaffold.js';
import { parseStoreSpec } from '../../stores/index.js';

export interface InitOptions {
  crm: CrmName;
  store?: string;
  actionRef?: string;
}

/**
 * plugin-export:PATH names a CSV committed in the repository: the check workflow uploads it for
 * the plan, and the plan (workflow_run) refuses a path out of the pull request's folder. The path
 * is also written into the workflows' YAML, so it is kept to plain file-name characters.
 */
function checkExportPath(store: string, path: string): void {
  if (leavesFolder(path)) {
    throw new MapsyncError(`--store ${store}: the users CSV must be inside the repository (the pull request's plan reads only the files the check workflow uploads)`, {
      hint: 'commit the export in the repository and give its path from the root, without ..: e.g. --store plugin-export:users.csv',
    });
  }
  if (!/^[\w][\w./-]*$/.test(path)) {
    throw new MapsyncError(`--store ${store}: the workflows name this path, so it may hold only letters, digits, _ . / and -`, { hint: 'rename the export, e.g. plugin-export:exports/users.csv' });
  }
}

/** The stores a repository can be set up with (writable ones and the plugin list's read-only ones); the CRM store must be the chosen CRM's. */
function checkStore(store: string, crm: CrmName): void {
  const { kind, argument } = parseStoreSpec(store);
  if (kind === 'plugin-export' && argument) return checkExportPath(store, argument);
  if (kind === 'file' && argument) return;
  // plugin-share reads the plugin's own list (read-only: apply keeps the clicks in an issue).
  if (kind === 'outreach' || kind === 'plugin-share' || kind === crm) return;
  const other = CRM_NAMES.find((name) => name !== crm);
  if (kind === other) throw new MapsyncError(`--store ${store} does not go with --crm ${crm}`, { hint: `use --store ${crm}, --store outreach or --store file:PATH, or --crm ${kind}` });
  throw new MapsyncError(`--store ${store}: not a store init can set up`, { hint: `use file:PATH, ${crm}, outreach, plugin-share or plugin-export:PATH` });
}

export const runInit: CommandRunner<InitOptions> = async (options, context) => {
  const store = options.store ?? context.config.store;
  checkStore(store, options.crm);
  const info = packageInfo();
  const ref = options.actionRef ?? `v${info.version}`;
  if (!/^[\w./-]+$/.test(ref)) throw new MapsyncError(`--action-ref ${ref}: not a git ref`, { hint: 'give a tag such as v1.2.0 or a 40-character commit SHA' });
  let repository = info.githubRepository;
  if (repository === undefined) {
    repository = `OWNER/${info.name}`;
    context.log.warn(`${info.name}'s package.json names no GitHub repository: the workflows say uses: ${repository}@${ref}; replace OWNER`);
  }
  const projectDir = process.cwd();
  const result = await scaffold({
    projectDir,
    crm: options.crm,
    store,
    mappingsDir: context.config.mappingsDir,
    schemaPath: installedSchema(projectDir, info),
    action: `${repository}@${ref}`,
  });
  for (const file of result.created) context.print(`created ${file}\n`);
  const g = result.gitignore;
  if (g.added.length > 0) context.print(`${g.created ? 'created' : 'appended to'} ${g.file}: ${g.added.join(' ')}\n`);
  for (const file of result.leftAlone) context.print(`left alone ${file}: it exists\n`);
  if (g.added.length === 0) context.print(`left alone ${g.file}: it already ignores ${'.mapsync/'} and node_modules/\n`);
  if (result.created.length > 0) {
    context.log.info('next: replace the example in the mappings folder, run `npx mapsync validate` and `npx mapsync plan`, add the secrets your store needs (README, "Stores"), commit, and open a pull request');
  }
  return 0;
};
