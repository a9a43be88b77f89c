// One Dynamics 365 session per run, shared by the store and the CRM directory: one token, one
// gate, and the systemusers the last read returned, so the directory never reads them again.
import { MapsyncError } from '../errors.js';
import type { CrmUser } from '../model.js';
import type { StoreContext } from '../context.js';
import { DataverseClient } from './client.js';
import { crmIdRules } from '../crm/index.js';
import type { Config } from '../config.js';
import { dynamicsSettingsFromEnv } from './settings.js';
import { isColumnName, NON_INTERACTIVE, readSystemUsers, type SystemUserRow } from './users.js';

export interface SystemUsers {
  rows: SystemUserRow[];
  /** Every person's systemuser by canonical ID, as a directory entry (application users left out). */
  users: Map<string, CrmUser>;
}

export class DynamicsSession {
  readonly client: DataverseClient;
  private last: Promise<SystemUsers> | undefined;

  constructor(context: StoreContext, readonly field: string) {
    this.client = new DataverseClient(dynamicsSettingsFromEnv(context.env), context.log);
  }

  /** Reads every systemuser now (the store's list, and the stale check before an apply). */
  read(): Promise<SystemUsers> {
    const reading = readSystemUsers(this.client, this.field).then(index);
    this.last = reading;
    reading.catch(() => {
      if (this.last === reading) this.last = undefined;
    });
    return reading;
  }

  /** The last read, or a new one: what the directory answers from. */
  known(): Promise<SystemUsers> {
    return this.last ?? this.read();
  }
}

const guids = crmIdRules('dynamics');

function index(rows: SystemUserRow[]): SystemUsers {
  const users = new Map<string, CrmUser>();
  for (const row of rows) {
    // Application users (mapsync's own app registration among them) are no person and hold no
    // Outreach seat: they are never in the directory, so never a suggest candidate either.
    if (row.accessmode === NON_INTERACTIVE) continue;
    // Dataverse answers in the canonical form already; the check keeps anything else out.
    const checked = guids.check(String(row.systemuserid));
    if (!checked.ok) continue;
    const id = checked.id;
    users.set(id, {
      id,
      name: row.fullname ?? '',
      ...(row.internalemailaddress ? { email: row.internalemailaddress } : {}),
      active: row.isdisabled !== true,
    });
  }
  return { rows, users };
}

/** The column from `dynamics:FIELD`, else the config's dynamics.field, checked. */
export function fieldFor(argument: string | undefined, config: Config): string {
  const field = argument && argument.length > 0 ? argument : config.dynamics.field;
  if (!isColumnName(field)) {
    throw new MapsyncError(`"${field}" is not a Dataverse column logical name`, {
      hint: 'set dynamics.field in mapsync.config.yaml to the logical name of a whole-number column on systemuser, e.g. new_outreachuserid (lower case, with its publisher prefix)',
    });
  }
  return field;
}

const sessions = new WeakMap<NodeJS.ProcessEnv, Map<string, DynamicsSession>>();

/** The session for this run's environment and column; reads (and checks) the credentials the first time. */
export function dynamicsSession(context: StoreContext, field: string): DynamicsSession {
  let byField = sessions.get(context.env);
  if (!byField) sessions.set(context.env, (byField = new Map()));
  let session = byField.get(field);
  if (!session) byField.set(field, (session = new DynamicsSession(context, field)));
  return session;
}
