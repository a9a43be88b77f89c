// The CRM directory backed by Salesforce: who is 005…? Asked only about the users a plan
// mentions, answered from the session's cache first, then 2,000 IDs a request.
import type { StoreContext } from '../context.js';
import type { CrmDirectory, CrmUser } from './directory.js';
import type { CrmUserId } from '../model.js';
import { hasSalesforceEnv } from '../salesforce/credentials.js';
import { queryAll, retrieveUsers, type UserRecord } from '../salesforce/queries.js';
import type { SalesforceSession } from '../salesforce/session.js';

export const USER_FIELDS = ['Id', 'Name', 'Email', 'IsActive'] as const;

export function salesforceDirectory(session: SalesforceSession): CrmDirectory {
  return {
    source: 'Salesforce',
    async findUsers(ids: readonly CrmUserId[]): Promise<Map<CrmUserId, CrmUser>> {
      const found = new Map<CrmUserId, CrmUser>();
      const missing: CrmUserId[] = [];
      for (const id of new Set(ids)) {
        const cached = session.users.get(id);
        if (cached) found.set(id, cached);
        else if (!session.unknown.has(id)) missing.push(id);
      }
      // After a full listing, an ID not among the users is unknown: no need to ask again.
      if (missing.length === 0 || session.listedAll) return found;
      const client = await session.connect();
      const records = await retrieveUsers(client, missing, USER_FIELDS);
      for (const [id, record] of records) found.set(id, session.remember({ ...record, Id: record.Id ?? id }));
      for (const id of missing) if (!records.has(id)) session.unknown.add(id);
      return found;
    },
    /** Every User, active and inactive: one SOQL query followed through its batches (2,000 each). */
    async listUsers(): Promise<CrmUser[]> {
      const client = await session.connect();
      const records = await queryAll<UserRecord>(client, `SELECT ${USER_FIELDS.join(', ')} FROM User`);
      const users = records.map((record) => session.remember(record));
      session.listedAll = true;
      return users;
    },
  };
}

/** The Salesforce directory when Salesforce credentials are in the environment, else undefined. */
export async function salesforceDirectoryFromEnv(context: StoreContext): Promise<CrmDirectory | undefined> {
  if (!hasSalesforceEnv(context.env)) return undefined;
  // The client is loaded only when there are credentials to use it with.
  const { salesforceSession } = await import('../salesforce/session.js');
  return salesforceDirectory(salesforceSession(context));
}
