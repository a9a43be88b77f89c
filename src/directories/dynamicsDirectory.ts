// The CRM directory backed by Dynamics 365: who is this systemuserid? Answered from the session's
// one read of systemusers (the store's, when it ran first), so a plan costs no extra requests.
import type { StoreContext } from '../context.js';
import type { CrmDirectory, CrmUser } from './directory.js';
import type { CrmUserId } from '../model.js';
import { hasDynamicsCredentials } from '../dynamics/settings.js';
import type { DynamicsSession } from '../dynamics/session.js';

export function dynamicsDirectory(session: DynamicsSession): CrmDirectory {
  return {
    source: 'Dynamics 365',
    async findUsers(ids: readonly CrmUserId[]): Promise<Map<CrmUserId, CrmUser>> {
      const { users } = await session.known();
      const found = new Map<CrmUserId, CrmUser>();
      for (const id of ids) {
        const user = users.get(id);
        if (user) found.set(id, user);
      }
      return found;
    },
    async listUsers(): Promise<CrmUser[]> {
      return [...(await session.known()).users.values()];
    },
  };
}

/** The Dynamics directory when Dynamics credentials are in the environment, else undefined. */
export async function dynamicsDirectoryFromEnv(context: StoreContext): Promise<CrmDirectory | undefined> {
  if (!hasDynamicsCredentials(context.env)) return undefined;
  // The client (dynamics-web-api) is loaded only when there are credentials to use it with.
  const { dynamicsSession, fieldFor } = await import('../dynamics/session.js');
  return dynamicsDirectory(dynamicsSession(context, fieldFor(undefined, context.config)));
}
