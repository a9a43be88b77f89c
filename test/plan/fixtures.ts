// Small builders for plan tests: valid 18-character User IDs, desired and live states, directories.
import { to18 } from '../../src/crm/salesforceId.js';
import type { CrmDirectory, CrmUser, OutreachDirectory, OutreachUser } from '../../src/directories/directory.js';
import type { DesiredMapping, DesiredState, LiveMapping, LiveState } from '../../src/model.js';

/** The n-th test user's canonical ID: 005 + zero-padded n, with its checksum. */
export function crmId(n: number): string {
  return to18('005' + String(n).padStart(12, '0'));
}

export function desired(entries: Array<[number, number, string?]>, file = 'mappings/team.yaml'): DesiredState {
  const mappings: DesiredMapping[] = entries.map(([crm, outreach, name], i) => ({
    crmUserId: crmId(crm),
    outreachUserId: outreach,
    ...(name === undefined ? {} : { name }),
    location: { file, line: 3 + i * 3, column: 5 },
  }));
  return { files: [file], mappings };
}

export function live(entries: Array<[number, number, string?, string?]>): LiveState {
  const mappings: LiveMapping[] = entries.map(([crm, outreach, crmUserName, outreachUserName]) => ({
    crmUserId: crmId(crm),
    outreachUserId: outreach,
    ...(crmUserName === undefined ? {} : { crmUserName }),
    ...(outreachUserName === undefined ? {} : { outreachUserName }),
  }));
  return { mappings, warnings: [] };
}

/** A directory that records every call, so tests can check the plan asks once with everything. */
export function crmDirectory(users: Array<[number, string, boolean?]>) {
  const calls: string[][] = [];
  const byId = new Map<string, CrmUser>(users.map(([n, name, active]) => [crmId(n), { id: crmId(n), name, active: active ?? true }]));
  const directory: CrmDirectory = {
    source: 'test CRM',
    async findUsers(ids) {
      calls.push([...ids]);
      return new Map(ids.flatMap((id) => (byId.has(id) ? [[id, byId.get(id)!] as const] : [])));
    },
  };
  return { directory, calls };
}

export function outreachDirectory(users: Array<[number, string, boolean?]>) {
  const calls: number[][] = [];
  const byId = new Map<number, OutreachUser>(users.map(([id, name, locked]) => [id, { id, name, locked: locked ?? false }]));
  const directory: OutreachDirectory = {
    source: 'test Outreach',
    async findUsers(ids) {
      calls.push([...ids]);
      return new Map(ids.flatMap((id) => (byId.has(id) ? [[id, byId.get(id)!] as const] : [])));
    },
  };
  return { directory, calls };
}

export const SAFETY = { minExisting: 10, maxRemovalFraction: 0.25 };
