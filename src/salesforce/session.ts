// One Salesforce session per run, shared by the store and the CRM directory: one login, one
// connection, and one cache of the Users already read, so the directory never asks Salesforce
// again about a User the store's query returned.
import { canonicalId } from '../crm/salesforceId.js';
import type { CrmUser } from '../model.js';
import type { StoreContext } from '../context.js';
import { SalesforceClient } from './client.js';
import { readCredentials, type SalesforceCredentials } from './credentials.js';
import { retryPolicyFromEnv } from './retry.js';
import type { UserRecord } from './queries.js';

export class SalesforceSession {
  /** Users read so far, by canonical 18-character ID. */
  readonly users = new Map<string, CrmUser>();
  /** IDs Salesforce already said it does not know (asked once per run). */
  readonly unknown = new Set<string>();
  /** Set once every User was read (suggest): `users` then holds everyone Salesforce knows. */
  listedAll = false;
  private client?: Promise<SalesforceClient>;

  constructor(
    readonly credentials: SalesforceCredentials,
    private readonly context: StoreContext,
  ) {}

  /** Connects (and logs in) on first use, so commands that never need Salesforce never log in. */
  connect(): Promise<SalesforceClient> {
    this.client ??= SalesforceClient.connect(this.credentials, this.context.log, retryPolicyFromEnv(this.context.env), timeoutFromEnv(this.context.env));
    // A failed login is not cached: a later call may try again.
    this.client.catch(() => (this.client = undefined));
    return this.client;
  }

  remember(record: UserRecord): CrmUser {
    const user: CrmUser = {
      id: canonicalId(record.Id),
      name: record.Name ?? '',
      ...(record.Email ? { email: record.Email } : {}),
      active: record.IsActive !== false,
    };
    this.users.set(user.id, user);
    return user;
  }
}

function timeoutFromEnv(env: NodeJS.ProcessEnv): number {
  const value = Number(env.MAPSYNC_SALESFORCE_TIMEOUT_MS);
  return Number.isInteger(value) && value > 0 ? value : 120_000;
}

const sessions = new WeakMap<NodeJS.ProcessEnv, SalesforceSession>();

/** The session for this run's environment; reads (and checks) the credentials the first time. */
export function salesforceSession(context: StoreContext): SalesforceSession {
  let session = sessions.get(context.env);
  if (!session) {
    session = new SalesforceSession(readCredentials(context.env), context);
    sessions.set(context.env, session);
  }
  return session;
}
