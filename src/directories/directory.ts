// Who is 005…? Who is 42? Look-ups used by the plan's checks. A directory answers only for the
// users it was asked about, so an adapter can batch its requests.
import type { CrmUser, CrmUserId, OutreachUser, OutreachUserId } from '../model.js';

// The user nouns live in model.ts (clients fill them in below this layer); named here too.
export type { CrmUser, OutreachUser };


export interface CrmDirectory {
  /** Shown in messages, e.g. "Salesforce" or ".mapsync/live.json". */
  readonly source: string;
  /** The users found among `ids`; an ID missing from the result is unknown to the directory. */
  findUsers(ids: readonly CrmUserId[]): Promise<Map<CrmUserId, CrmUser>>;
  /** Every user the directory holds, for `suggest`, which must see unmapped users too. */
  listUsers?(): Promise<CrmUser[]>;
}

export interface OutreachDirectory {
  readonly source: string;
  findUsers(ids: readonly OutreachUserId[]): Promise<Map<OutreachUserId, OutreachUser>>;
  /** Every user the directory holds, for `suggest`. */
  listUsers?(): Promise<OutreachUser[]>;
}

export interface Directories {
  crm?: CrmDirectory;
  outreach?: OutreachDirectory;
}
