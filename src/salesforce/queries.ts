// Reading Users: one SOQL query followed through its batches, and look-ups by ID in the
// request body (no URI length limit, 2,000 IDs a request) — never one request per user.
import type { SalesforceClient } from './client.js';

/** Salesforce's ceiling for POST composite/sobjects/{type} retrieve. */
export const RETRIEVE_BATCH = 2000;

export interface UserRecord {
  Id: string;
  Name?: string | null;
  Email?: string | null;
  IsActive?: boolean | null;
  [field: string]: unknown;
}

interface QueryPage<T> {
  totalSize: number;
  done: boolean;
  records: T[];
  nextRecordsUrl?: string;
}

/** API names only: they end up inside SOQL. */
export function isFieldName(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]{0,79}$/.test(name);
}

/** Every record a SOQL query returns, following nextRecordsUrl until done (2,000 a batch). */
export async function queryAll<T>(client: SalesforceClient, soql: string, onBatch?: (records: T[]) => void): Promise<T[]> {
  const records: T[] = [];
  let batch = 1;
  let page = await client.request<QueryPage<T>>('GET', `${client.dataPath}/query?q=${encodeURIComponent(soql)}`, undefined, { what: 'the User query', retry: true });
  for (;;) {
    records.push(...page.records);
    onBatch?.(page.records);
    if (page.done || !page.nextRecordsUrl) return records;
    batch += 1;
    page = await client.request<QueryPage<T>>('GET', page.nextRecordsUrl, undefined, { what: `User query batch ${batch}`, retry: true });
  }
}

/**
 * Looks Users up by ID, 2,000 a request. The answer lists one entry per ID, in order, null for
 * an ID Salesforce does not know (or that mapsync's user cannot see).
 */
export async function retrieveUsers(client: SalesforceClient, ids: readonly string[], fields: readonly string[]): Promise<Map<string, UserRecord>> {
  const found = new Map<string, UserRecord>();
  for (let start = 0; start < ids.length; start += RETRIEVE_BATCH) {
    const chunk = ids.slice(start, start + RETRIEVE_BATCH);
    // A read with the IDs in the body: repeating it changes nothing, so it is retried.
    const answer = await client.request<(UserRecord | null)[]>('POST', `${client.dataPath}/composite/sobjects/User`, { ids: chunk, fields }, {
      what: `the look-up of ${chunk.length} User(s)`,
      retry: true,
    });
    answer.forEach((record, index) => {
      const id = chunk[index];
      if (record && id !== undefined) found.set(id, record);
    });
  }
  return found;
}
