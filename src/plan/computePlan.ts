// The plan engine: desired (mappings/) vs live (the store), diffed by (CRM user, Outreach user)
// pair, checked against the user directories, guarded against mass removal. Pure apart from the
// directory look-ups, and linear: every join is a Map keyed by pair or by id.
import type { SafetyConfig } from '../config.js';
import type { Directories } from '../directories/directory.js';
import type {
  AddChange, CrmUserId, DesiredMapping, DesiredState, LiveMapping, LiveState, OutreachUserId, Plan, PlanError,
  PlanNote, RemoveChange, Warning,
} from '../model.js';
import { checkDesired, checkLiveOnly, lookUpUsers, type DirectoryLookups } from './directoryChecks.js';
import { desiredFingerprint, liveFingerprint } from './fingerprint.js';
import { findLiveDuplicates } from './liveDuplicates.js';
import { comparePairs, pairKey } from './order.js';
import { removalGuard } from './removalGuard.js';
import { countReplaces } from './render/changeGroups.js';

export interface PlanInput {
  storeSpec: string;
  desired: DesiredState;
  live: LiveState;
  directories: Directories;
  safety: SafetyConfig;
  /** The store only reads (MappingStore.readOnly): the plan says so, and is the clicks to make. */
  readOnly?: boolean;
  /** Said once on the plan (e.g. which checks were not made). */
  notes?: PlanNote[];
}

export interface PlanDetails {
  plan: Plan;
  /** The live state with names filled in from the directories where the store had none (a copy). */
  live: LiveState;
}

export async function computePlan(input: PlanInput): Promise<Plan> {
  return (await computePlanDetails(input)).plan;
}

export async function computePlanDetails(input: PlanInput): Promise<PlanDetails> {
  const { desired, live } = input;

  const crmIds = new Set<CrmUserId>();
  const outreachIds = new Set<OutreachUserId>();
  for (const m of desired.mappings) { crmIds.add(m.crmUserId); outreachIds.add(m.outreachUserId); }
  for (const m of live.mappings) { crmIds.add(m.crmUserId); outreachIds.add(m.outreachUserId); }
  const lookups = await lookUpUsers(input.directories, crmIds, outreachIds);

  // Joins go through the CRM user ID, so no composite key string is built per mapping: 100,000
  // mappings stay cheap in time and memory. mappings/ holds each CRM user once (validated); only a
  // restore snapshot of a store that mapped a user twice holds several, kept as a short list.
  // Desired mappings are named by their index: the live pair matched to each is kept in an array
  // beside them rather than in a Map keyed by object (a tenth of the memory at 100,000).
  const desiredList = desired.mappings;
  const desiredByCrm = new Map<CrmUserId, number | number[]>();
  for (let i = 0; i < desiredList.length; i++) {
    const id = desiredList[i]!.crmUserId;
    const held = desiredByCrm.get(id);
    if (held === undefined) desiredByCrm.set(id, i);
    else if (Array.isArray(held)) held.push(i);
    else desiredByCrm.set(id, [held, i]);
  }

  const errors: PlanError[] = [];
  const mappingWarnings: Warning[] = [];
  const removes: RemoveChange[] = [];
  const adds: AddChange[] = [];
  const liveMappings: LiveMapping[] = [];
  const liveOf: Array<LiveMapping | undefined> = new Array(desiredList.length);
  // Only pairs to remove are keyed as strings, so a pair the store holds twice is removed once.
  const removed = new Set<string>();
  for (const raw of live.mappings) {
    const m = withDirectoryNames(raw, lookups);
    liveMappings.push(m);
    const wanted = wantedFor(desiredByCrm.get(m.crmUserId), m, desiredList, liveOf);
    if (wanted !== undefined) {
      if (liveOf[wanted] === undefined) liveOf[wanted] = m;
      continue;
    }
    const key = pairKey(m);
    if (removed.has(key)) continue;
    removed.add(key);
    removes.push(removeOf(m));
    checkLiveOnly(m, mappingWarnings);
  }
  let unchanged = 0;
  for (let i = 0; i < desiredList.length; i++) {
    const m = desiredList[i]!;
    const livePair = liveOf[i];
    if (livePair) unchanged++;
    else adds.push(addOf(m, lookups));
    checkDesired(m, livePair, lookups, errors, mappingWarnings);
  }
  fillNamesFromLive(adds, liveMappings);
  if (input.readOnly) borrowYamlNames(removes, desiredByCrm, desiredList);
  removes.sort(comparePairs);
  adds.sort(comparePairs);
  mappingWarnings.sort((a, b) => comparePairs(a as Required<Warning>, b as Required<Warning>));
  errors.sort(compareLocations);

  const changes = [...removes, ...adds];
  const summary = { add: adds.length, remove: removes.length, replace: countReplaces(changes), unchanged };
  const guard = removalGuard(summary, input.safety);
  // The removal guard speaks for the whole plan and comes first; the rest in one stable order
  // (code, then the IDs), whatever order the store listed its users in.
  const warnings: Warning[] = [
    ...(guard ? [guard] : []),
    ...[...live.warnings, ...findLiveDuplicates(live.mappings, { readOnly: input.readOnly }), ...mappingWarnings].sort(compareWarnings),
  ];

  const plan: Plan = {
    formatVersion: 1,
    store: input.storeSpec,
    ...(input.readOnly ? { readOnly: true as const } : {}),
    ...(live.asOf !== undefined ? { asOf: live.asOf } : {}),
    liveFingerprint: liveFingerprint(live),
    desiredFingerprint: desiredFingerprint(desired),
    summary,
    changes,
    warnings,
  };
  if (errors.length > 0) plan.errors = errors;
  if (input.notes && input.notes.length > 0) plan.notes = input.notes;
  return { plan, live: { mappings: liveMappings, warnings: live.warnings, ...(live.asOf !== undefined ? { asOf: live.asOf } : {}) } };
}

function compareWarnings(a: Warning, b: Warning): number {
  const text = (x: string | undefined, y: string | undefined) => ((x ?? '') < (y ?? '') ? -1 : (x ?? '') > (y ?? '') ? 1 : 0);
  return text(a.code, b.code)
    || text(a.crmUserId, b.crmUserId)
    || (a.outreachUserId ?? -1) - (b.outreachUserId ?? -1)
    || text(a.message, b.message);
}

/**
 * The desired entry a live pair stands for: same CRM and Outreach user, preferring one that no
 * earlier live copy has claimed, so a snapshot holding a pair twice is matched copy by copy.
 */
function wantedFor(
  held: number | number[] | undefined,
  live: LiveMapping,
  desired: readonly DesiredMapping[],
  liveOf: ReadonlyArray<LiveMapping | undefined>,
): number | undefined {
  if (held === undefined) return undefined;
  if (!Array.isArray(held)) return desired[held]!.outreachUserId === live.outreachUserId ? held : undefined;
  const same = held.filter((d) => desired[d]!.outreachUserId === live.outreachUserId);
  return same.find((d) => liveOf[d] === undefined) ?? same[0];
}

function withDirectoryNames(m: LiveMapping, lookups: DirectoryLookups): LiveMapping {
  const crmUserName = m.crmUserName ?? lookups.crm?.users.get(m.crmUserId)?.name;
  const outreachUserName = m.outreachUserName ?? lookups.outreach?.users.get(m.outreachUserId)?.name;
  if (crmUserName === m.crmUserName && outreachUserName === m.outreachUserName) return m;
  const filled: LiveMapping = { crmUserId: m.crmUserId, outreachUserId: m.outreachUserId };
  if (crmUserName !== undefined) filled.crmUserName = crmUserName;
  if (outreachUserName !== undefined) filled.outreachUserName = outreachUserName;
  return filled;
}

function removeOf(m: LiveMapping): RemoveChange {
  const change: RemoveChange = { action: 'remove', crmUserId: m.crmUserId, outreachUserId: m.outreachUserId };
  if (m.crmUserName !== undefined) change.crmUserName = m.crmUserName;
  if (m.outreachUserName !== undefined) change.outreachUserName = m.outreachUserName;
  return change;
}

/**
 * A read-only plan's removal of a CRM user that no directory named, where mappings/ names that
 * user on another entry (the pair that stays when the plugin's list maps the user twice, or the
 * one it is mapped to again): the admin searches the plugin's list for that user, so the
 * checklist borrows the YAML's name rather than saying the name is not known.
 */
function borrowYamlNames(removes: RemoveChange[], desiredByCrm: ReadonlyMap<CrmUserId, number | number[]>, desired: readonly DesiredMapping[]): void {
  for (const r of removes) {
    if (r.crmUserName !== undefined) continue;
    const held = desiredByCrm.get(r.crmUserId);
    if (held === undefined) continue;
    const named = (Array.isArray(held) ? held : [held]).map((i) => desired[i]!).find((d) => d.name);
    if (named) r.yamlName = { name: named.name!, file: named.location.file, line: named.location.line };
  }
}

/** An add named by the directories (the reviewer's view of both sides) and by the YAML's claim. */
function addOf(m: DesiredMapping, lookups: DirectoryLookups): AddChange {
  const change: AddChange = { action: 'add', crmUserId: m.crmUserId, outreachUserId: m.outreachUserId, file: m.location.file, line: m.location.line };
  const crmUserName = lookups.crm?.users.get(m.crmUserId)?.name;
  const outreachUserName = lookups.outreach?.users.get(m.outreachUserId)?.name;
  if (crmUserName !== undefined) change.crmUserName = crmUserName;
  if (outreachUserName !== undefined) change.outreachUserName = outreachUserName;
  if (m.name !== undefined) change.name = m.name;
  return change;
}

/**
 * Without a directory, the live store may still know a name: a CRM user re-pointed to another
 * seat, or a seat handed to another CRM user, is named by the live mapping it leaves. The maps
 * are built only when an add still lacks a name, so a plan without adds pays nothing.
 */
function fillNamesFromLive(adds: AddChange[], live: readonly LiveMapping[]): void {
  if (!adds.some((a) => a.crmUserName === undefined || a.outreachUserName === undefined)) return;
  const crmNames = new Map<CrmUserId, string>();
  const outreachNames = new Map<OutreachUserId, string>();
  for (const m of live) {
    if (m.crmUserName !== undefined && !crmNames.has(m.crmUserId)) crmNames.set(m.crmUserId, m.crmUserName);
    if (m.outreachUserName !== undefined && !outreachNames.has(m.outreachUserId)) outreachNames.set(m.outreachUserId, m.outreachUserName);
  }
  for (const a of adds) {
    const crmUserName = a.crmUserName ?? crmNames.get(a.crmUserId);
    const outreachUserName = a.outreachUserName ?? outreachNames.get(a.outreachUserId);
    if (crmUserName !== undefined) a.crmUserName = crmUserName;
    if (outreachUserName !== undefined) a.outreachUserName = outreachUserName;
  }
}

function compareLocations(a: PlanError, b: PlanError): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}
