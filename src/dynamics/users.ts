// The one paged read of systemusers that serves the store, the directory and the stale check:
// $select of the columns mapsync uses, `Prefer: odata.maxpagesize=5000` (the most Dataverse
// allows), and @odata.nextLink followed to the end.
import { MapsyncError } from '../errors.js';
import type { DataverseClient } from './client.js';

export const PAGE_SIZE = 5000;
export const USER_COLUMNS = ['systemuserid', 'fullname', 'internalemailaddress', 'isdisabled', 'accessmode'] as const;

/** systemuser.accessmode of application users (an app registration's identity): non-interactive. */
export const NON_INTERACTIVE = 4;

export interface SystemUserRow {
  systemuserid: string;
  fullname?: string | null;
  internalemailaddress?: string | null;
  isdisabled?: boolean | null;
  /** 0 read-write … 4 non-interactive (application users). */
  accessmode?: number | null;
  [column: string]: unknown;
}

/** A custom column's logical name: lower case, with its publisher prefix (new_…). */
export function isColumnName(name: string): boolean {
  return /^[a-z][a-z0-9]*_[a-z0-9_]+$/.test(name);
}

export async function readSystemUsers(client: DataverseClient, field: string): Promise<SystemUserRow[]> {
  const rows: SystemUserRow[] = [];
  const request = { collection: 'systemusers', select: [...USER_COLUMNS, field], maxPageSize: PAGE_SIZE };
  let next: string | undefined;
  for (let page = 1; ; page++) {
    const link = next;
    const answer = await client.send({ what: `the read of systemusers (page ${page})` }, (api) => api.retrieveMultiple<SystemUserRow>(request, link));
    rows.push(...answer.value);
    next = (answer as { oDataNextLink?: string }).oDataNextLink ?? (answer as { '@odata.nextLink'?: string })['@odata.nextLink'];
    if (!next) return rows;
    // The token goes wherever the link points: follow it only on the org's own API.
    if (!next.startsWith(client.dataUrl)) {
      throw new MapsyncError(`Dynamics 365 answered with a next page on another host (${new URL(next).origin}); mapsync does not send its token there`, { hint: 'check DYNAMICS_URL: it must be the environment URL the API answers on' });
    }
  }
}
