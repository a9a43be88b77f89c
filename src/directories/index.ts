// Picks the directories plan checks against: a live service whenever its credentials are in
// the environment, otherwise whatever the store itself provides (the file store's lists).
// The CRM directory is the configured CRM's (`crm:`): Salesforce, or Dynamics 365.
import type { StoreContext, MappingStore } from '../stores/store.js';
import type { CrmDirectory, Directories } from './directory.js';

async function crmDirectoryFromEnv(context: StoreContext): Promise<CrmDirectory | undefined> {
  if ((context.config as { crm?: string }).crm === 'dynamics') return (await import('./dynamicsDirectory.js')).dynamicsDirectoryFromEnv(context);
  return (await import('./salesforceDirectory.js')).salesforceDirectoryFromEnv(context);
}

export async function resolveDirectories(store: MappingStore, context: StoreContext): Promise<Directories> {
  const own = store.directories();
  const crm = crmDirectoryFromEnv(context);
  const outreach = (await import('./outreachDirectory.js')).outreachDirectoryFromEnv(context);
  return { crm: (await crm) ?? own.crm, outreach: (await outreach) ?? own.outreach };
}
