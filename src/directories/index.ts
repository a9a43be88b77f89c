// Picks the directories plan checks against: a live service whenever its credentials are in
// the environment, otherwise whatever the store itself provides (the file store's lists).
import type { StoreContext, MappingStore } from '../stores/store.js';
import type { Directories } from './directory.js';

export async function resolveDirectories(store: MappingStore, context: StoreContext): Promise<Directories> {
  const own = store.directories();
  const crm = (await import('./salesforceDirectory.js')).salesforceDirectoryFromEnv(context);
  const outreach = (await import('./outreachDirectory.js')).outreachDirectoryFromEnv(context);
  return { crm: (await crm) ?? own.crm, outreach: (await outreach) ?? own.outreach };
}
