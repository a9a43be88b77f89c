// Placeholder until the owning issue lands: no live directory yet.
import type { StoreContext } from '../stores/store.js';
import type { OutreachDirectory } from './directory.js';

export async function outreachDirectoryFromEnv(_context: StoreContext): Promise<OutreachDirectory | undefined> {
  return undefined;
}
