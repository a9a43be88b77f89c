// The file store's JSON document (CONTRACT §4): parsed strictly, so a corrupted file is a clear
// error and is never overwritten, and written back with every key it did not understand intact.
import type { CrmUser, OutreachUser } from '../../directories/directory.js';
import type { CrmIdRules } from '../../crm/index.js';
import { MapsyncError } from '../../errors.js';
import type { CrmUserId, OutreachUserId } from '../../model.js';
import { describeJsonSyntaxError } from '../../jsonError.js';

/** One entry of `mappings`, with its id canonical and the original object kept for write-back. */
export interface StoredMapping {
  crmUserId: CrmUserId;
  outreachUserId: OutreachUserId;
  crmUserName?: string;
  outreachUserName?: string;
  /** The entry as read (unknown keys included); undefined for entries added by this process. */
  raw?: Record<string, unknown>;
}

export interface StoreDocument {
  /** The whole top-level object as read: `crmUsers`, `outreachUsers` and unknown keys are written back untouched. */
  raw: Record<string, unknown>;
  mappings: StoredMapping[];
  crmUsers?: CrmUser[];
  outreachUsers?: OutreachUser[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isOutreachId = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1;

function syntaxError(file: string, text: string, err: Error): MapsyncError {
  return corrupted(`${describeJsonSyntaxError(file, text, err)}`);
}

function corrupted(message: string): MapsyncError {
  return new MapsyncError(message, { hint: 'the file store was left untouched; fix the file (or restore a snapshot from the state directory) and run again' });
}

function optionalString(entry: Json, key: string, where: string, file: string): string | undefined {
  const value = entry[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw corrupted(`${file}: ${where}.${key} must be a string`);
  return value;
}

function crmId(value: unknown, where: string, file: string, crm: CrmIdRules): CrmUserId {
  if (typeof value !== 'string') throw corrupted(`${file}: ${where} must be a ${crm.idName} string`);
  const check = crm.check(value);
  if (!check.ok) throw corrupted(`${file}: ${where}: ${check.problem.message}`);
  return check.id;
}

function parseMappings(value: unknown, file: string, crm: CrmIdRules): StoredMapping[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw corrupted(`${file}: "mappings" must be a list`);
  return value.map((entry: unknown, i): StoredMapping => {
    const where = `mappings[${i}]`;
    if (!isObject(entry)) throw corrupted(`${file}: ${where} must be an object with crmUserId and outreachUserId`);
    if (!isOutreachId(entry.outreachUserId)) throw corrupted(`${file}: ${where}.outreachUserId must be an integer >= 1`);
    return {
      crmUserId: crmId(entry.crmUserId, `${where}.crmUserId`, file, crm),
      outreachUserId: entry.outreachUserId,
      crmUserName: optionalString(entry, 'crmUserName', where, file),
      outreachUserName: optionalString(entry, 'outreachUserName', where, file),
      raw: entry,
    };
  });
}

const USER_KEYS = { crm: ['id', 'name', 'email', 'active'], outreach: ['id', 'name', 'email', 'locked'] };

/** The object has these keys and no other (counted without building a key list per entry). */
function hasExactly(entry: Json, keys: readonly string[]): boolean {
  let count = 0;
  for (const key in entry) {
    if (!keys.includes(key)) return false;
    count++;
  }
  return count === keys.length;
}

function parseCrmUsers(value: unknown, file: string, crm: CrmIdRules): CrmUser[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw corrupted(`${file}: "crmUsers" must be a list`);
  return value.map((entry: unknown, i): CrmUser => {
    const where = `crmUsers[${i}]`;
    if (!isObject(entry)) throw corrupted(`${file}: ${where} must be an object with id and name`);
    const active = entry.active ?? true;
    if (typeof active !== 'boolean') throw corrupted(`${file}: ${where}.active must be true or false`);
    const id = crmId(entry.id, `${where}.id`, file, crm);
    // Already a CrmUser as read (canonical id, the four keys, right types): used as it is, since
    // a copy per user costs megabytes at 100,000 users. Nothing writes to a directory's users.
    if (id === entry.id && hasExactly(entry, USER_KEYS.crm) && typeof entry.name === 'string' && typeof entry.email === 'string') return entry as unknown as CrmUser;
    return {
      id,
      name: optionalString(entry, 'name', where, file) ?? '',
      email: optionalString(entry, 'email', where, file),
      active,
    };
  });
}

function parseOutreachUsers(value: unknown, file: string): OutreachUser[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw corrupted(`${file}: "outreachUsers" must be a list`);
  return value.map((entry: unknown, i): OutreachUser => {
    const where = `outreachUsers[${i}]`;
    if (!isObject(entry)) throw corrupted(`${file}: ${where} must be an object with id and name`);
    if (!isOutreachId(entry.id)) throw corrupted(`${file}: ${where}.id must be an integer >= 1`);
    const locked = entry.locked ?? false;
    if (typeof locked !== 'boolean') throw corrupted(`${file}: ${where}.locked must be true or false`);
    // As for CRM users: an entry already in the directory's shape is used as it is.
    if (hasExactly(entry, USER_KEYS.outreach) && typeof entry.name === 'string' && typeof entry.email === 'string') return entry as unknown as OutreachUser;
    return {
      id: entry.id,
      name: optionalString(entry, 'name', where, file) ?? '',
      email: optionalString(entry, 'email', where, file),
      locked,
    };
  });
}

/**
 * Parses the store file's text; `file` is the path shown in messages, `crm` the configured CRM's
 * ID rules (IDs are held canonical). Throws MapsyncError when corrupted.
 */
export function parseStoreDocument(text: string, file: string, crm: CrmIdRules): StoreDocument {
  return storeDocumentOf(parseStoreJson(text, file), file, crm);
}

/**
 * The store file's text as JSON, checked to be an object. Kept apart from storeDocumentOf so a
 * caller can let go of the text (30 MB at 100,000 users) before the document is built from it.
 */
export function parseStoreJson(text: string, file: string): Json {
  if (text.trim() === '') throw corrupted(`${file}: the file is empty (expected {"mappings": [...]}; delete it to start with an empty store)`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw syntaxError(file, text, err as Error);
  }
  if (!isObject(raw)) throw corrupted(`${file}: expected a JSON object with a "mappings" list`);
  return raw;
}

/** The document of a parsed store file (see parseStoreJson). Throws MapsyncError when corrupted. */
export function storeDocumentOf(raw: Json, file: string, crm: CrmIdRules): StoreDocument {
  return {
    raw,
    mappings: parseMappings(raw.mappings, file, crm),
    crmUsers: parseCrmUsers(raw.crmUsers, file, crm),
    outreachUsers: parseOutreachUsers(raw.outreachUsers, file),
  };
}

export function emptyDocument(): StoreDocument {
  return { raw: {}, mappings: [] };
}

/** The entry as written back: the original object for untouched entries, a plain one for new entries. */
function entryJson(m: StoredMapping): Json {
  if (m.raw) return m.raw;
  const entry: Json = { crmUserId: m.crmUserId, outreachUserId: m.outreachUserId };
  if (m.crmUserName !== undefined) entry.crmUserName = m.crmUserName;
  if (m.outreachUserName !== undefined) entry.outreachUserName = m.outreachUserName;
  return entry;
}

/** The document as text, `mappings` first; every other top-level key as it was read. */
export function serializeStoreDocument(doc: StoreDocument): string {
  const out: Json = { mappings: doc.mappings.map(entryJson) };
  for (const [key, value] of Object.entries(doc.raw)) if (key !== 'mappings') out[key] = value;
  return JSON.stringify(out, null, 2) + '\n';
}
