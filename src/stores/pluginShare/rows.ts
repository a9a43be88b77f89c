// Reads the plugin-share result (query.ts) into what mapsync knows: the live mappings with the
// Outreach users' names, the Outreach directory, the freshness, and the orgs the share holds.
// Live data is repaired where its meaning is certain (an 18-character Salesforce ID in the wrong
// letter case is the user its checksum names; said as a live-id-repaired warning) and otherwise
// reported, not taken as a mapping.
import type { OutreachUser } from '../../directories/directory.js';
import type { CrmIdRules } from '../../crm/index.js';
import type { LiveMapping, OutreachUserId, Warning } from '../../model.js';
import type { ResultSet } from '../../snowflake/client.js';
import { repairMessage } from '../repairedId.js';
import { COLUMNS, ROW_KIND } from './query.js';
import { parseSnowflakeTimestamp } from './timestamp.js';

export interface ShareContents {
  mappings: LiveMapping[];
  warnings: Warning[];
  users: Map<OutreachUserId, OutreachUser>;
  /** The latest DML_AT of the mapping rows counted (of the users when there are none), ISO UTC. */
  asOf?: string;
  /** The distinct O_IDs in the share, when the statement asked for them (no orgId set). */
  orgs: string[];
}

const OUTREACH_ID = /^\s*0*([1-9]\d{0,14})\s*$/;

function columnIndexes(result: ResultSet): Record<(typeof COLUMNS)[number], number> {
  const upper = result.columns.map((name) => name.toUpperCase());
  const indexes = {} as Record<(typeof COLUMNS)[number], number>;
  for (const name of COLUMNS) {
    const index = upper.indexOf(name);
    if (index < 0) throw new Error(`the plugin-share result has no ${name} column (columns: ${result.columns.join(', ')})`);
    indexes[name] = index;
  }
  return indexes;
}

export function readShareResult(result: ResultSet, crm: CrmIdRules): ShareContents {
  const at = columnIndexes(result);
  const users = new Map<OutreachUserId, OutreachUser>();
  const orgs = new Set<string>();
  const mappingRows: (string | null)[][] = [];
  const userTimes: (string | null | undefined)[] = [];
  for (const row of result.rows) {
    const kind = row[at.ROW_KIND];
    if (kind === ROW_KIND.mapping) {
      mappingRows.push(row);
    } else if (kind === ROW_KIND.user) {
      const id = OUTREACH_ID.exec(row[at.OUTREACH_USER_ID] ?? '');
      if (!id) continue;
      const email = row[at.EMAIL]?.trim();
      // The share does not say whether a seat is locked; that check needs the Outreach directory.
      const user: OutreachUser = { id: Number(id[1]), name: fullName(row[at.FIRST_NAME], row[at.LAST_NAME]), locked: false };
      if (email) user.email = email;
      users.set(user.id, user);
      userTimes.push(row[at.DML_AT]);
    } else if (kind === ROW_KIND.org) {
      const org = row[at.ORG_ID];
      if (typeof org === 'string' && org !== '') orgs.add(org);
    }
  }

  const mappings: LiveMapping[] = [];
  const warnings: Warning[] = [];
  // CRM users already taken per Outreach user: nearly always one, so no key strings are built.
  const seen = new Map<OutreachUserId, string | string[]>();
  let mappingsLatest: number | undefined;
  for (const row of mappingRows) {
    mappingsLatest = latest(mappingsLatest, parseSnowflakeTimestamp(row[at.DML_AT]));
    const rawOutreach = row[at.OUTREACH_USER_ID] ?? '';
    const rawCrm = (row[at.CRM_USER_ID] ?? '').trim();
    const outreachMatch = OUTREACH_ID.exec(rawOutreach);
    if (!outreachMatch) {
      warnings.push({ code: 'live-invalid-value', message: `the plugin maps VALUE_ID "${rawOutreach}" to CRM user "${rawCrm}", and "${rawOutreach}" is not an Outreach user id; it is not taken as a mapping` });
      continue;
    }
    const outreachUserId = Number(outreachMatch[1]);
    const user = users.get(outreachUserId);
    const who = `Outreach user ${outreachUserId}${user?.name ? ` (${user.name})` : ''}`;
    const check = crm.check(rawCrm);
    let crmUserId: string;
    if (check.ok) crmUserId = check.id;
    else if (check.problem.code === 'crm-id-checksum' && check.problem.suggestion) {
      crmUserId = check.problem.suggestion;
      warnings.push({ code: 'live-id-repaired', crmUserId, outreachUserId, message: repairMessage(`PLUGIN_MAPPINGS: the plugin maps ${who} to EXTERNAL_ID`, rawCrm, crmUserId, crm) });
    } else {
      warnings.push({
        code: 'live-invalid-value',
        outreachUserId,
        message: `the plugin maps ${who} to EXTERNAL_ID "${rawCrm}", which is not a ${crm.idName} (${check.problem.message}); it is not taken as a mapping`,
      });
      continue;
    }
    // The same pair on two rows (a merge) is one line in the plugin's list.
    const taken = seen.get(outreachUserId);
    if (taken === crmUserId || (Array.isArray(taken) && taken.includes(crmUserId))) continue;
    seen.set(outreachUserId, taken === undefined ? crmUserId : [...(Array.isArray(taken) ? taken : [taken]), crmUserId]);
    const mapping: LiveMapping = { crmUserId, outreachUserId };
    if (user?.name) mapping.outreachUserName = user.name;
    mappings.push(mapping);
  }
  mappings.sort((a, b) => a.outreachUserId - b.outreachUserId || (a.crmUserId < b.crmUserId ? -1 : a.crmUserId > b.crmUserId ? 1 : 0));
  // The users' times are only the fallback, read when no mapping row was counted.
  const freshest = mappingsLatest ?? (mappingRows.length === 0 ? userTimes.reduce<number | undefined>((at, t) => latest(at, parseSnowflakeTimestamp(t)), undefined) : undefined);
  return {
    mappings,
    warnings,
    users,
    ...(freshest !== undefined ? { asOf: new Date(freshest).toISOString() } : {}),
    orgs: [...orgs].sort(),
  };
}

function fullName(first: string | null | undefined, last: string | null | undefined): string {
  const a = first?.trim() ?? '';
  const b = last?.trim() ?? '';
  return a && b ? `${a} ${b}` : a || b;
}

function latest(current: number | undefined, next: number | undefined): number | undefined {
  if (next === undefined) return current;
  return current === undefined || next > current ? next : current;
}
