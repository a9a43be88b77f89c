// Placeholder until the owning issue lands: no live directory yet.
import type { StoreContext } from '../stores/store.js';
import type { CrmDirectory } from './directory.js';

export async function salesforceDirectoryFromEnv(_context: StoreContext): Promise<CrmDirectory | undefined> {
  return undefined;
}
