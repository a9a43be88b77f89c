// Picks the directories plan checks against: a live service whenever its credentials are in
// the environment, otherwise whatever the store itself provides (the file store's lists).
// The live CRM directory is the configured CRM's (`crm:`): under Dynamics, Salesforce
// credentials in the environment must not send GUIDs to Salesforce.
// `directories.crm` in the config asks for the CRM's directory outright: the read-only plugin
// stores know no CRM users, and a plan over them checks names and active state only through it,
// so its credentials missing is an error rather than a silently skipped check.
import { CONFIG_FILE } from '../configFile.js';
import type { CrmName } from '../crm/index.js';
import { MapsyncError } from '../errors.js';
import type { StoreContext } from '../context.js';
import type { CrmDirectory, Directories } from './directory.js';

const liveCrmDirectory: Record<CrmName, (context: StoreContext) => Promise<CrmDirectory | undefined>> = {
  salesforce: async (context) => (await import('./salesforceDirectory.js')).salesforceDirectoryFromEnv(context),
  dynamics: async (context) => (await import('./dynamicsDirectory.js')).dynamicsDirectoryFromEnv(context),
};

const CREDENTIALS: Record<CrmName, string> = {
  salesforce: 'Salesforce credentials (SF_INSTANCE_URL + SF_ACCESS_TOKEN, or a JWT, client-credentials or password set; README, "salesforce store")',
  dynamics: 'Dynamics 365 credentials (DYNAMICS_URL, DYNAMICS_TENANT_ID, DYNAMICS_CLIENT_ID, DYNAMICS_CLIENT_SECRET)',
};

async function requiredCrmDirectory(crm: CrmName, context: StoreContext): Promise<CrmDirectory> {
  const directory = await liveCrmDirectory[crm](context);
  if (directory) return directory;
  throw new MapsyncError(`directories.crm is ${crm} in ${CONFIG_FILE}, but no ${CREDENTIALS[crm]} are in the environment`, {
    code: 'missing-env',
    hint: `set them (in CI, from repository secrets; mapsync only reads users with them), or remove directories.crm to plan without CRM checks`,
  });
}

/** `own` is what the store itself provides (MappingStore.directories()). */
export async function resolveDirectories(own: Directories, context: StoreContext): Promise<Directories> {
  const chosen = context.config.directories.crm;
  const crm = chosen ? requiredCrmDirectory(chosen, context) : liveCrmDirectory[context.config.crm](context);
  const outreach = (await import('./outreachDirectory.js')).outreachDirectoryFromEnv(context);
  return { crm: (await crm) ?? own.crm, outreach: (await outreach) ?? own.outreach };
}
