// `mapsync restore SNAPSHOT`: the snapshot an apply wrote before it changed anything becomes the
// desired state, and the ordinary plan and apply engines take the store back to it. Nothing here
// diffs or writes by itself: the same removal guard, lock, snapshot and journal apply.
import type { SafetyConfig } from '../config.js';
import { crmIdRules, type CrmIdRules } from '../crm/index.js';
import { resolveDirectories } from '../directories/index.js';
import { MapsyncError } from '../errors.js';
import type { DesiredMapping, DesiredState, Plan } from '../model.js';
import { computePlanDetails } from '../plan/computePlan.js';
import { readJsonFile } from '../jsonFile.js';
import type { MappingStore, StoreContext } from '../stores/store.js';

export interface SnapshotContents {
  /** The mappings as desired state; each points at its line in the snapshot file. */
  desired: DesiredState;
  /** What the snapshot says it was taken of, when it says so. */
  snapshotOf?: { store?: string; liveFingerprint?: string; takenAt?: string };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function unusable(file: string, what: string): MapsyncError {
  return new MapsyncError(`${file}: not a usable snapshot: ${what}`, {
    hint: 'use a file from the state directory\'s snapshots/ folder (written by apply), or any file in the file store\'s format',
  });
}

/**
 * Line (1-based) of each mapping entry's "crmUserId" key, in order. Snapshots are written one key
 * a line, so this finds them without a position-keeping JSON parser; a hand-made one-line file
 * simply points at line 1.
 */
function entryLines(text: string, count: number): number[] {
  const lines: number[] = [];
  const pattern = /"crmUserId"\s*:/g;
  let line = 1;
  let scanned = 0;
  for (let match = pattern.exec(text); match && lines.length < count; match = pattern.exec(text)) {
    for (let i = scanned; i < match.index; i++) if (text.charCodeAt(i) === 10) line++;
    scanned = match.index;
    lines.push(line);
  }
  while (lines.length < count) lines.push(1);
  return lines;
}

/** Reads a snapshot (file store format) and turns its mappings into desired state; `crm` checks its IDs. */
export async function readSnapshot(path: string, crm: CrmIdRules): Promise<SnapshotContents> {
  const { shown, text, value: raw } = await readJsonFile(path, {
    name: 'snapshot',
    notFoundHint: 'snapshots are in the state directory, e.g. .mapsync/snapshots/',
    notJsonHint: "a snapshot is the JSON file apply wrote to the state directory's snapshots/ folder",
  });
  if (!isObject(raw) || !Array.isArray(raw.mappings)) throw unusable(shown, 'expected a JSON object with a "mappings" list');
  const lines = entryLines(text, raw.mappings.length);
  const mappings = raw.mappings.map((entry: unknown, i): DesiredMapping => {
    const where = `mappings[${i}]`;
    if (!isObject(entry)) throw unusable(shown, `${where} is not an object`);
    const id = typeof entry.crmUserId === 'string' ? crm.check(entry.crmUserId) : undefined;
    if (!id?.ok) throw unusable(shown, `${where}.crmUserId is not a ${crm.idName}`);
    const outreachUserId = entry.outreachUserId;
    if (!Number.isInteger(outreachUserId) || (outreachUserId as number) < 1) throw unusable(shown, `${where}.outreachUserId must be an integer >= 1`);
    const line = lines[i]!;
    // A snapshot may map a user twice (a hand-kept store often does): restore brings back exactly
    // its pairs, so it is not held to the uniqueness rule of mappings/.
    const name = [entry.crmUserName, entry.outreachUserName].find((n): n is string => typeof n === 'string' && n !== '');
    return {
      crmUserId: id.id,
      outreachUserId: outreachUserId as number,
      ...(name !== undefined ? { name } : {}),
      location: { file: shown, line, column: 1 },
    };
  });
  const snapshotOf = isObject(raw.snapshotOf) ? (raw.snapshotOf as SnapshotContents['snapshotOf']) : undefined;
  return { desired: { files: [shown], mappings }, ...(snapshotOf ? { snapshotOf } : {}) };
}

export interface RestorePlanRequest {
  snapshot: string;
  store: MappingStore;
  context: StoreContext;
  safety: SafetyConfig;
}

/** The plan that takes `store` back to the snapshot: the plan engine with the snapshot as desired state. */
export async function planRestore(request: RestorePlanRequest): Promise<{ plan: Plan; snapshot: SnapshotContents }> {
  const snapshot = await readSnapshot(request.snapshot, crmIdRules(request.context.config.crm));
  const live = await request.store.list();
  const directories = await resolveDirectories(request.store.directories(), request.context);
  const { plan } = await computePlanDetails({
    storeSpec: request.store.spec,
    desired: snapshot.desired,
    live,
    directories,
    safety: request.safety,
    readOnly: request.store.readOnly,
  });
  return { plan, snapshot };
}
