// The shared "load mappings/, read every user of both directories, run the rules" flow used by
// `suggest` and `drift --github-pr`.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { CommandContext } from '../context.js';
import { loadValidDesired } from '../desired/loadValid.js';
import { crmIdRules } from '../crm/index.js';
import { resolveDirectories } from '../directories/index.js';
import type { Directories } from '../directories/directory.js';
import { MapsyncError } from '../errors.js';
import type { DesiredState } from '../model.js';
import { releaseGarbage } from '../memory.js';
import { openStore } from '../stores/index.js';
import type { MappingStore } from '../stores/store.js';
import type { SuggestionSet } from './model.js';
import { computeSuggestions } from './rules.js';

export interface PreparedSuggestions {
  set: SuggestionSet;
  desired: DesiredState;
  /** Still open: the caller closes it. */
  store: MappingStore;
  directories: Directories;
  /** suggest.addTo, relative to the working directory. */
  addTo: string;
}

/** suggest.addTo must be a mapping file mapsync reads: inside the mappings folder, not hidden. */
export function resolveAddTo(addTo: string, mappingsDir: string): string {
  const shown = relative(process.cwd(), resolve(addTo));
  const inside = relative(resolve(mappingsDir), resolve(addTo));
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside) || inside.split(sep).some((part) => part.startsWith('.'))) {
    throw new MapsyncError(`suggest.addTo "${addTo}" is not a mapping file under ${mappingsDir}/: adds written there would never be read`, {
      hint: `set suggest.addTo in mapsync.config.yaml to a file such as ${mappingsDir}/suggested.yaml`,
    });
  }
  return shown.split(sep).join('/');
}

export async function prepareSuggestions(context: CommandContext, options: { storeSpec?: string; mappingsDir?: string } = {}): Promise<PreparedSuggestions> {
  const mappingsDir = options.mappingsDir ?? context.config.mappingsDir;
  const addTo = resolveAddTo(context.config.suggest.addTo, mappingsDir);
  const desired = await loadValidDesired(mappingsDir, crmIdRules(context.config.crm), context.log, 'suggest only works on valid files');
  // The same phase boundary as plan's: the YAML parse trees are garbage before the store is read.
  releaseGarbage(desired.mappings.length);
  const store = await openStore(options.storeSpec ?? context.config.store, { config: context.config, env: context.env, log: context.log, ports: context.ports });
  try {
    return { ...(await suggestFor(context, desired, store, addTo)), store, desired, addTo };
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}

/** The rules over `desired` and every user of the directories that `store` (or the environment) provides. */
export async function suggestFor(context: CommandContext, desired: DesiredState, store: MappingStore, addTo: string): Promise<{ set: SuggestionSet; directories: Directories }> {
  const directories = await resolveDirectories(store.directories(), { config: context.config, env: context.env, log: context.log, ports: context.ports });
  const { crm, outreach } = directories;
  if (!crm?.listUsers || !outreach?.listUsers) {
    const missing = [!crm?.listUsers ? 'CRM users' : undefined, !outreach?.listUsers ? 'Outreach users' : undefined].filter(Boolean).join(' and ');
    throw new MapsyncError(`suggest needs every user of both directories, but there is no list of ${missing} for store ${store.spec}`, {
      // The read-only stores know Outreach users; their CRM users come only from directories.crm.
      hint: store.readOnly
        ? `set directories.crm: ${context.config.crm} in mapsync.config.yaml and that CRM's credentials (${context.config.crm === 'dynamics' ? 'DYNAMICS_*' : 'SF_*'}) to read its users`
        : 'set the Salesforce (SF_*) and Outreach (OUTREACH_*) credentials, or give the file store "crmUsers" and "outreachUsers" lists',
    });
  }
  const [crmUsers, outreachUsers] = await Promise.all([crm.listUsers(), outreach.listUsers()]);
  releaseGarbage(crmUsers.length + outreachUsers.length);
  context.log.debug(`suggest: ${crmUsers.length} CRM users from ${crm.source}, ${outreachUsers.length} Outreach users from ${outreach.source}`);
  const set = computeSuggestions({ mappings: desired.mappings, crmUsers, outreachUsers, addTo, sources: { crm: crm.source, outreach: outreach.source } });
  return { set, directories };
}
