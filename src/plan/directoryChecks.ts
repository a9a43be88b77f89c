// Checks of the mappings against the user directories (who is 005…? who is 42?): unknown users
// are errors that point at the YAML; inactive, locked and mismatched names are warnings.
import type { CrmUser, Directories, OutreachUser } from '../directories/directory.js';
import type { CrmUserId, DesiredMapping, LiveMapping, OutreachUserId, PlanError, Warning } from '../model.js';
import { namesDiffer } from './names.js';

export interface DirectoryLookups {
  /** Undefined when no CRM directory is configured: nothing can be checked on that side. */
  crm?: { source: string; users: Map<CrmUserId, CrmUser> };
  outreach?: { source: string; users: Map<OutreachUserId, OutreachUser> };
}

/** Asks each directory once, with every ID the plan mentions, so adapters can batch. */
export async function lookUpUsers(
  directories: Directories,
  crmIds: Iterable<CrmUserId>,
  outreachIds: Iterable<OutreachUserId>,
): Promise<DirectoryLookups> {
  const { crm, outreach } = directories;
  const [crmUsers, outreachUsers] = await Promise.all([
    crm ? crm.findUsers([...crmIds]) : undefined,
    outreach ? outreach.findUsers([...outreachIds]) : undefined,
  ]);
  return {
    crm: crm && crmUsers ? { source: crm.source, users: crmUsers } : undefined,
    outreach: outreach && outreachUsers ? { source: outreach.source, users: outreachUsers } : undefined,
  };
}

const quote = (name: string) => JSON.stringify(name);
// Called for every desired mapping, so these are built only when there is something to report.
const ids = (m: DesiredMapping) => ({ crmUserId: m.crmUserId, outreachUserId: m.outreachUserId });
const who = (m: DesiredMapping) => (m.name ? ` (${m.name})` : '');
const at = (m: DesiredMapping) => `${m.location.file}:${m.location.line}`;

/** Errors and warnings for one desired mapping. `livePair` is the same pair in the store, if any. */
export function checkDesired(
  m: DesiredMapping,
  livePair: LiveMapping | undefined,
  lookups: DirectoryLookups,
  errors: PlanError[],
  warnings: Warning[],
): void {
  const crmUser = lookups.crm?.users.get(m.crmUserId);
  const outreachUser = lookups.outreach?.users.get(m.outreachUserId);
  if (lookups.crm && !crmUser) {
    errors.push({ code: 'unknown-crm-user', message: `CRM user ${m.crmUserId}${who(m)} is not in ${lookups.crm.source}`, ...m.location });
  } else if (crmUser && !crmUser.active) {
    warnings.push({ code: 'crm-user-inactive', message: `CRM user ${m.crmUserId} (${crmUser.name}) is inactive in ${lookups.crm!.source} but mapped at ${at(m)}`, ...ids(m) });
  }
  if (lookups.outreach && !outreachUser) {
    errors.push({ code: 'unknown-outreach-user', message: `Outreach user ${m.outreachUserId}${who(m)} is not in ${lookups.outreach.source}`, ...m.location });
  } else if (outreachUser && outreachUser.locked) {
    warnings.push({ code: 'outreach-user-locked', message: `Outreach user ${m.outreachUserId} (${outreachUser.name}) is locked in ${lookups.outreach!.source} but mapped at ${at(m)}`, ...ids(m) });
  }

  const crmName = crmUser?.name ?? livePair?.crmUserName;
  const outreachName = outreachUser?.name ?? livePair?.outreachUserName;
  if (namesDiffer(crmName, outreachName)) {
    warnings.push({ code: 'name-mismatch', message: `${seatMismatch(m.crmUserId, crmName!, m.outreachUserId, outreachName!)} (mapped at ${at(m)})`, ...ids(m) });
    return;
  }
  // The directories agree with each other; does the YAML's `name` agree with them?
  const known = crmName ?? outreachName;
  if (m.name && namesDiffer(m.name, known)) {
    const whose = crmName ? `CRM user ${m.crmUserId}` : `Outreach user ${m.outreachUserId}`;
    warnings.push({ code: 'name-mismatch', message: `${at(m)} names ${quote(m.name)} but ${whose} is ${quote(known!)}`, ...ids(m) });
  }
}

/** name-mismatch for a live pair that mappings/ does not contain (it is about to be removed). */
export function checkLiveOnly(m: LiveMapping, warnings: Warning[]): void {
  if (namesDiffer(m.crmUserName, m.outreachUserName)) {
    warnings.push({
      code: 'name-mismatch',
      message: `${seatMismatch(m.crmUserId, m.crmUserName!, m.outreachUserId, m.outreachUserName!)} (live only; the plan removes it)`,
      crmUserId: m.crmUserId,
      outreachUserId: m.outreachUserId,
    });
  }
}

function seatMismatch(crmUserId: CrmUserId, crmName: string, outreachUserId: OutreachUserId, outreachName: string): string {
  return `CRM user ${crmUserId} is ${quote(crmName)} but Outreach user ${outreachUserId} is ${quote(outreachName)}: was the seat repurposed?`;
}
