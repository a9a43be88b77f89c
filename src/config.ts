// mapsync.config.yaml: optional project settings. Flags override it; defaults match CONTRACT.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { MapsyncError } from './errors.js';
import { closestKey } from './closestKey.js';
import { CONFIG_FILE } from './configFile.js';
import { CRM_NAMES, type CrmName } from './crm/rules.js';

export interface SafetyConfig {
  /** The removal guard applies only when the live store holds at least this many mappings. */
  minExisting: number;
  /** A plan that removes more than this fraction of the live mappings is unsafe. */
  maxRemovalFraction: number;
}

export interface Config {
  /** Where the desired-state YAML lives. */
  mappingsDir: string;
  /** Store spec: `file:PATH`, `salesforce` or `outreach`. */
  store: string;
  /** Journal and snapshots of applies. */
  stateDir: string;
  safety: SafetyConfig;
  salesforce: { field: string };
  outreach: { field: string };
  suggest: SuggestConfig;
  /** Which CRM the IDs in mappings/ belong to; it decides the ID rules (src/crm/). */
  crm: CrmName;
  /** The `dynamics` store: the whole-number column on systemuser that holds the Outreach user id. */
  dynamics: { field: string };
  /** The `plugin-export:PATH` store: which CSV headers hold what, where they differ from the defaults (§12). */
  pluginExport: { columns: PluginExportColumns };
  /**
   * Where names and active state come from when the store itself has none (the read-only plugin
   * stores): `directories.crm` reads the CRM's users with that store's client and credentials.
   */
  directories: { crm?: CrmName };
  /** The plugin-share store (CONTRACT §12): where the Outreach Data Sharing tables are, and which org. */
  pluginShare: PluginShareConfig;
}

export interface PluginShareConfig {
  /** The org's O_ID; when omitted, the one org the share holds. */
  orgId?: string;
  /** The database the share is mounted as, and the schema holding PLUGIN_MAPPINGS and USERS. */
  database?: string;
  schema?: string;
}

/** The data a plugin export column holds; `pluginExport.columns` maps each to a CSV header. */
export const PLUGIN_EXPORT_COLUMN_KEYS = ['outreachUserId', 'crmUserId', 'name', 'firstName', 'lastName', 'email', 'locked'] as const;
export type PluginExportColumnKey = (typeof PLUGIN_EXPORT_COLUMN_KEYS)[number];
export type PluginExportColumns = Partial<Record<PluginExportColumnKey, string>>;

export interface SuggestConfig {
  /** The mapping file `suggest --write` adds new pairs to (created when missing). */
  addTo: string;
  /** At most this many suggestions are written (and carried by one suggestions PR); the rest are counted. */
  maxSuggestions: number;
}

export const DEFAULT_CONFIG: Config = {
  mappingsDir: 'mappings',
  store: 'file:.mapsync/live.json',
  stateDir: '.mapsync',
  safety: { minExisting: 10, maxRemovalFraction: 0.25 },
  salesforce: { field: 'Outreach_User_Id__c' },
  outreach: { field: 'custom1' },
  suggest: { addTo: 'mappings/suggested.yaml', maxSuggestions: 200 },
  crm: 'salesforce',
  dynamics: { field: 'new_outreachuserid' },
  // Every key named (undefined: no default) so that a mistyped one gets "did you mean".
  pluginShare: { orgId: undefined, database: undefined, schema: undefined },
  pluginExport: { columns: {} },
  directories: {},
};

export { CONFIG_FILE };

type Json = Record<string, unknown>;

/** Every problem with the settings file carries this code (for `--format json`). */
const CONFIG_INVALID = 'config-invalid';

function configError(message: string, hint?: string): MapsyncError {
  return new MapsyncError(message, { code: CONFIG_INVALID, hint });
}

/** An unknown setting, with the known one it most likely meant. */
function rejectUnknownKeys(json: Json, known: readonly string[], where: string, file: string): void {
  for (const key of Object.keys(json)) {
    if (known.includes(key)) continue;
    const guess = closestKey(key, known);
    const name = where ? `${where}.${key}` : key;
    throw configError(
      `${file}: unknown setting "${name}"${guess ? ` — did you mean ${where ? `${where}.` : ''}${guess}?` : ''}`,
      `known settings${where ? ` under ${where}` : ''}: ${known.join(', ')}`,
    );
  }
}

function section(raw: Json, key: string, file: string): Json {
  const value = raw[key];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw configError(`${file}: "${key}" must be a mapping`);
  }
  // The keys of a section are the ones its defaults name.
  const defaults = (DEFAULT_CONFIG as unknown as Record<string, unknown>)[key];
  if (defaults !== null && typeof defaults === 'object') rejectUnknownKeys(value as Json, SECTION_KEYS[key] ?? Object.keys(defaults), key, file);
  return value as Json;
}

/** Sections whose keys are not all in their defaults (optional settings without a default). */
const SECTION_KEYS: Record<string, readonly string[]> = { directories: ['crm'] };

/** `pluginExport.columns`: each known key names a CSV header (a non-empty string). */
function pluginExportColumns(pluginExport: Json, file: string): PluginExportColumns {
  const raw = pluginExport.columns;
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw configError(`${file}: "pluginExport.columns" must be a mapping of column keys to CSV headers`);
  rejectUnknownKeys(raw as Json, PLUGIN_EXPORT_COLUMN_KEYS, 'pluginExport.columns', file);
  const columns: PluginExportColumns = {};
  for (const key of PLUGIN_EXPORT_COLUMN_KEYS) {
    const header = (raw as Json)[key];
    if (header === undefined || header === null) continue;
    if (typeof header !== 'string' || header.trim() === '') throw configError(`${file}: pluginExport.columns.${key} must be the CSV header that holds it, e.g. "User External ID"`);
    columns[key] = header;
  }
  return columns;
}

/** A YAML syntax error as one line: file:line:column and the parser's reason, no excerpt. */
function yamlSyntaxError(file: string, err: unknown): MapsyncError {
  const e = err as { message?: string; linePos?: Array<{ line: number; col: number }> };
  const first = (e.message ?? String(err)).split('\n')[0]!;
  // The parser ends its first line with " at line L, column C:" before an excerpt.
  const reason = first.replace(/ at line \d+, column \d+:?\s*$/, '').replace(/:\s*$/, '');
  const at = e.linePos?.[0];
  return configError(at ? `${file}:${at.line}:${at.col}: ${reason}` : `${file}: ${reason}`, 'fix the YAML syntax of the settings file');
}

function pick<T>(value: unknown, fallback: T, check: (v: unknown) => boolean, where: string, expected: string): T {
  if (value === undefined || value === null) return fallback;
  if (!check(value)) throw configError(`${where} must be ${expected}`);
  return value as T;
}

const isString = (v: unknown) => typeof v === 'string' && v.length > 0;
const KNOWN_KEYS = new Set(['mappingsDir', 'store', 'stateDir', 'safety', 'salesforce', 'outreach', 'suggest', 'crm', 'dynamics', 'pluginShare', 'pluginExport', 'directories']);
const isCrmName = (v: unknown) => (CRM_NAMES as readonly unknown[]).includes(v);

/** Reads the config file if present; a missing default file means defaults. */
export async function loadConfig(path: string | undefined): Promise<Config> {
  const file = path ?? CONFIG_FILE;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && path === undefined) return structuredClone(DEFAULT_CONFIG);
    throw configError(`cannot read config ${file}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parse(text, { maxAliasCount: 100 }) ?? {};
  } catch (err) {
    throw yamlSyntaxError(file, err);
  }
  if (typeof raw !== 'object' || Array.isArray(raw) || raw === null) throw configError(`${file}: expected a mapping of settings`);
  const json = raw as Json;
  rejectUnknownKeys(json, [...KNOWN_KEYS], '', file);
  const safety = section(json, 'safety', file);
  const salesforce = section(json, 'salesforce', file);
  const outreach = section(json, 'outreach', file);
  const suggest = section(json, 'suggest', file);
  const dynamics = section(json, 'dynamics', file);
  const pluginShare = section(json, 'pluginShare', file);
  const pluginExport = section(json, 'pluginExport', file);
  const directories = section(json, 'directories', file);
  const d = DEFAULT_CONFIG;
  const directoryCrm = pick<CrmName | undefined>(directories.crm, undefined, isCrmName, `${file}: directories.crm`, `one of ${CRM_NAMES.join(', ')}`);
  const crm = pick(json.crm, d.crm, isCrmName, `${file}: crm`, `one of ${CRM_NAMES.join(', ')}`);
  // The directory answers for the IDs in mappings/, so it must be the CRM those IDs belong to.
  if (directoryCrm !== undefined && directoryCrm !== crm) {
    throw configError(`${file}: directories.crm is ${directoryCrm}, but the project's CRM is ${crm} (crm: ${crm})`, `set directories.crm: ${crm}, or crm: ${directoryCrm} if the IDs in mappings/ are ${directoryCrm}'s`);
  }
  return {
    mappingsDir: pick(json.mappingsDir, d.mappingsDir, isString, `${file}: mappingsDir`, 'a path'),
    store: pick(json.store, d.store, isString, `${file}: store`, 'a store spec'),
    stateDir: pick(json.stateDir, d.stateDir, isString, `${file}: stateDir`, 'a path'),
    safety: {
      minExisting: pick(safety.minExisting, d.safety.minExisting, (v) => Number.isInteger(v) && (v as number) >= 0, `${file}: safety.minExisting`, 'a whole number >= 0'),
      maxRemovalFraction: pick(safety.maxRemovalFraction, d.safety.maxRemovalFraction, (v) => typeof v === 'number' && v >= 0 && v <= 1, `${file}: safety.maxRemovalFraction`, 'a number from 0 to 1'),
    },
    salesforce: { field: pick(salesforce.field, d.salesforce.field, isString, `${file}: salesforce.field`, 'a field API name') },
    outreach: { field: pick(outreach.field, d.outreach.field, isString, `${file}: outreach.field`, 'an attribute name such as custom1') },
    suggest: {
      addTo: pick(suggest.addTo, d.suggest.addTo, (v) => isString(v) && /\.ya?ml$/.test(v as string), `${file}: suggest.addTo`, 'the path of a .yaml file under the mappings folder'),
      maxSuggestions: pick(suggest.maxSuggestions, d.suggest.maxSuggestions, (v) => Number.isInteger(v) && (v as number) >= 1, `${file}: suggest.maxSuggestions`, 'a whole number >= 1'),
    },
    crm,
    dynamics: { field: pick(dynamics.field, d.dynamics.field, isString, `${file}: dynamics.field`, 'a column logical name such as new_outreachuserid') },
    pluginExport: { columns: pluginExportColumns(pluginExport, file) },
    directories: directoryCrm === undefined ? {} : { crm: directoryCrm },
    pluginShare: pluginShareSettings(pluginShare, file),
  };
}

/** An O_ID may be written as a number or as text; it is sent as text either way. */
function pluginShareSettings(raw: Json, file: string): PluginShareConfig {
  const orgId = pick<string | number | undefined>(raw.orgId, undefined, (v) => isString(v) || (Number.isInteger(v) && (v as number) >= 0), `${file}: pluginShare.orgId`, "the org's O_ID in the share");
  const database = pick<string | undefined>(raw.database, undefined, isString, `${file}: pluginShare.database`, 'the name of the database the share is mounted as');
  const schema = pick<string | undefined>(raw.schema, undefined, isString, `${file}: pluginShare.schema`, 'the name of the schema that holds PLUGIN_MAPPINGS and USERS');
  return {
    ...(orgId !== undefined ? { orgId: String(orgId).trim() } : {}),
    ...(database !== undefined ? { database: database.trim() } : {}),
    ...(schema !== undefined ? { schema: schema.trim() } : {}),
  };
}
