// Picks the directories plan checks against: a live service whenever its credentials are in
// the environment, otherwise whatever the store itself provides (the file store's lists).
// The live CRM directory is the configured CRM's (`crm:`): under Dynamics, Salesforce
// credentials in the environment must not send GUIDs to Salesforce.
import type { CrmName } from '../crm/index.js';
import type { StoreContext } from '../context.js';
import type { CrmDirectory, Directories } from './directory.js';

const liveCrmDirectory: Record<CrmName, (context: StoreContext) => Promise<CrmDirectory | undefined>> = {
  salesforce: async (context) => (await import('./salesforceDirectory.js')).salesforceDirectoryFromEnv(context),
  dynamics: async (context) => (await import('./dynamicsDirectory.js')).dynamicsDirectoryFromEnv(context),
};

/** `own` is what the store itself provides (MappingStore.directories()). */
export async function resolveDirectories(own: Directories, context: StoreContext): Promise<Directories> {
  const crm = liveCrmDirectory[context.config.crm](context);
  const outreach = (await import('./outreachDirectory.js')).outreachDirectoryFromEnv(context);
  return { crm: (await crm) ?? own.crm, outreach: (await outreach) ?? own.outreach };
}
