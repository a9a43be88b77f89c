// Who is Outreach user 42? Answered from the full user list (ceil(N/1000) requests, fetched
// once per run and shared with the outreach store), so asking about many users costs nothing more.
import type { OutreachUserId } from '../model.js';
import type { StoreContext } from '../context.js';
import type { OutreachClient } from '../outreach/client.js';
import { hasOutreachCredentials } from '../outreach/settings.js';
import type { OutreachDirectory, OutreachUser } from './directory.js';

export function outreachDirectory(client: OutreachClient): OutreachDirectory {
  return {
    source: 'Outreach',
    async findUsers(ids: readonly OutreachUserId[]): Promise<Map<OutreachUserId, OutreachUser>> {
      const wanted = new Set(ids);
      const found = new Map<OutreachUserId, OutreachUser>();
      if (wanted.size === 0) return found;
      for (const user of await client.listUsers()) {
        if (wanted.has(user.id)) found.set(user.id, { id: user.id, name: user.name, email: user.email, locked: user.locked });
      }
      return found;
    },
    // The same cached list the store reads: asking for every user costs no extra request.
    async listUsers(): Promise<OutreachUser[]> {
      return (await client.listUsers()).map((user) => ({ id: user.id, name: user.name, email: user.email, locked: user.locked }));
    },
  };
}

/** The live Outreach directory when Outreach credentials are in the environment, else undefined. */
export async function outreachDirectoryFromEnv(context: StoreContext): Promise<OutreachDirectory | undefined> {
  if (!hasOutreachCredentials(context.env)) return undefined;
  // The HTTP client is loaded only when there are credentials to use it with.
  const { outreachClient } = await import('../outreach/client.js');
  return outreachDirectory(outreachClient(context));
}
