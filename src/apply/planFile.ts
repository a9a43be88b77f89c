// Reads a saved plan (`plan --out FILE`) and checks it is one this mapsync can apply: a clear
// one-line error for a missing, unreadable, non-JSON or foreign-version file, or a damaged change.
import { relative, resolve } from 'node:path';
import type { CrmIdRules } from '../crm/index.js';
import { MapsyncError } from '../errors.js';
import type { Change, Plan } from '../model.js';
import { readJsonFile } from '../jsonFile.js';
import { countReplaces } from '../plan/render/changeGroups.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;

const SUPPORTED_FORMAT_VERSION = 1;

function damaged(file: string, what: string): MapsyncError {
  return new MapsyncError(`${file}: not a usable mapsync plan: ${what}`, { hint: 'make a fresh one with `mapsync plan --out FILE`' });
}

function checkChange(value: unknown, index: number, file: string, crm: CrmIdRules): Change {
  const where = `changes[${index}]`;
  if (!isObject(value)) throw damaged(file, `${where} is not an object`);
  if (value.action !== 'add' && value.action !== 'remove') throw damaged(file, `${where}.action must be "add" or "remove"`);
  const id = typeof value.crmUserId === 'string' ? crm.check(value.crmUserId) : undefined;
  // A plan holds canonical IDs only; anything else was edited by hand (or planned for another CRM).
  if (!id?.ok || id.id !== value.crmUserId) throw damaged(file, `${where}.crmUserId is not a canonical ${crm.canonicalForm}`);
  if (!Number.isInteger(value.outreachUserId) || (value.outreachUserId as number) < 1) throw damaged(file, `${where}.outreachUserId must be an integer >= 1`);
  return value as unknown as Change;
}

/** Reads and checks a saved plan; `path` as the user typed it, `crm` the configured CRM's ID rules. */
export async function readPlanFile(path: string, crm: CrmIdRules): Promise<Plan> {
  const { shown, value: raw } = await readJsonFile(path, {
    name: 'plan file',
    notFoundHint: `save one first: mapsync plan --out ${relative(process.cwd(), resolve(path)) || path}`,
    notJsonHint: 'a saved plan is the JSON written by `mapsync plan --out FILE`',
  });
  if (!isObject(raw) || raw.formatVersion === undefined) throw damaged(shown, 'no "formatVersion" (is this the output of `mapsync plan --out`?)');
  if (raw.formatVersion !== SUPPORTED_FORMAT_VERSION) {
    throw new MapsyncError(`${shown}: plan formatVersion ${JSON.stringify(raw.formatVersion)} is not supported (this mapsync reads version ${SUPPORTED_FORMAT_VERSION})`, {
      hint: 'make the plan again with this version of mapsync',
    });
  }
  if (typeof raw.store !== 'string' || raw.store === '') throw damaged(shown, '"store" is missing');
  if (typeof raw.liveFingerprint !== 'string' || !raw.liveFingerprint.startsWith('sha256:')) throw damaged(shown, '"liveFingerprint" is missing');
  if (typeof raw.desiredFingerprint !== 'string') throw damaged(shown, '"desiredFingerprint" is missing');
  const summary = raw.summary;
  if (!isObject(summary) || !isCount(summary.add) || !isCount(summary.remove) || !isCount(summary.unchanged)) throw damaged(shown, '"summary" must hold add, remove and unchanged counts');
  if (!Array.isArray(raw.changes)) throw damaged(shown, '"changes" must be a list');
  const changes = raw.changes.map((c, i) => checkChange(c, i, shown, crm));
  const adds = changes.filter((c) => c.action === 'add').length;
  if (adds !== summary.add || changes.length - adds !== summary.remove) throw damaged(shown, '"summary" does not match "changes"');
  const firstAdd = changes.findIndex((c) => c.action === 'add');
  if (firstAdd >= 0 && changes.slice(firstAdd).some((c) => c.action === 'remove')) throw damaged(shown, 'every remove must come before the adds');
  // `summary.replace` is derived from `changes`, so it is recounted rather than trusted: plans
  // saved before it existed read the same as new ones.
  const replace = countReplaces(changes);
  const warnings = raw.warnings ?? [];
  if (!Array.isArray(warnings)) throw damaged(shown, '"warnings" must be a list');
  if (raw.errors !== undefined && !Array.isArray(raw.errors)) throw damaged(shown, '"errors" must be a list');
  // The read-only fields (§12) are optional: plans of other stores, and older plans, have none.
  if (raw.readOnly !== undefined && raw.readOnly !== true) throw damaged(shown, '"readOnly" must be true when present');
  if (raw.asOf !== undefined && (typeof raw.asOf !== 'string' || Number.isNaN(Date.parse(raw.asOf)))) throw damaged(shown, '"asOf" must be an ISO 8601 time');
  if (raw.notes !== undefined && (!Array.isArray(raw.notes) || !raw.notes.every((n) => isObject(n) && typeof n.code === 'string' && typeof n.message === 'string'))) {
    throw damaged(shown, '"notes" must be a list of {code, message}');
  }
  const plan = raw as unknown as Plan;
  return { ...plan, summary: { add: adds, remove: changes.length - adds, replace, unchanged: summary.unchanged as number }, changes, warnings };
}
