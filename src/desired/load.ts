// Loads and validates the desired state: every *.yaml / *.yml under the mappings folder.
// Each file is read once, parsed once (yaml Document API + LineCounter), converted without
// letting YAML typing touch an ID, checked against the JSON Schema, then the IDs are checked
// and made canonical by the configured CRM's rules (src/crm/), and finally uniqueness is checked
// across all files, on the canonical form.
import { resolve } from 'node:path';
import { isMap, isScalar, isSeq, type Document, type Node, type YAMLMap, type Pair } from 'yaml';
import type { DesiredMapping, DesiredState } from '../model.js';
import { findMappingFiles } from './findFiles.js';
import { readMappingText } from './readText.js';
import { parseYaml } from './parseYaml.js';
import { FileRefused, toPlain } from './toPlain.js';
import { describeSchemaError, schemaValidator } from './schema.js';
import { nodeAt, startOf } from './nodeAt.js';
import { DEFAULT_CRM_RULES, type CrmIdRules } from '../crm/index.js';
import { UniquenessCheck, type EntryIds } from './uniqueness.js';
import { readCanonical } from './canonicalReader.js';

import type { ValidationError } from './validationError.js';
export type { ValidationCode, ValidationError } from './validationError.js';

export interface LoadResult {
  state: DesiredState;
  errors: ValidationError[];
}

export interface LoadDetails extends LoadResult {
  /** Entries found in the mappings lists, valid or not (state.mappings holds only valid ones). */
  entries: number;
  /** Files that could not be read as YAML at all: their entries are not in `entries`. */
  unreadFiles: string[];
}

/** Loads and validates every *.yaml / *.yml under `dir` (recursively). Never throws for bad content. */
export async function loadDesired(dir: string, crm: CrmIdRules = DEFAULT_CRM_RULES): Promise<LoadResult> {
  const { state, errors } = await loadDesiredDetails(dir, process.cwd(), crm);
  return { state, errors };
}

/**
 * loadDesired plus counts for reports. Throws MapsyncError only when `dir` itself is missing.
 * `dir` is relative to `cwd` (or absolute); reported paths are relative to `cwd`. `crm` holds the
 * configured CRM's ID rules.
 */
export async function loadDesiredDetails(dir: string, cwd: string = process.cwd(), crm: CrmIdRules = DEFAULT_CRM_RULES): Promise<LoadDetails> {
  const files = await findMappingFiles(dir, cwd);
  const collected = new Collected(crm);
  // One file at a time: its text and (on the yaml path) its parse tree are garbage before the next.
  for (const file of files) collected.add(file, await loadFile(file, resolve(cwd, file), crm));
  return collected.details(files);
}

/** How a file's text is read: `yaml` forces the yaml path for every file (the fast reader's reference). */
export interface CheckOptions {
  reader?: 'auto' | 'yaml';
}

/**
 * loadDesiredDetails over texts already in memory (paths as given, in the order given): what the
 * property test compares between the fast reader and the yaml path.
 */
export function checkFileTexts(files: ReadonlyArray<{ file: string; text: string }>, crm: CrmIdRules = DEFAULT_CRM_RULES, options: CheckOptions = {}): LoadDetails {
  const collected = new Collected(crm);
  for (const { file, text } of files) collected.add(file, checkText(file, text, crm, options));
  return collected.details(files.map((f) => f.file));
}

/** The outcomes of the files so far: errors, entries, mappings, and the IDs for the cross-file uniqueness check. */
class Collected {
  private readonly errors: ValidationError[] = [];
  private readonly mappings: DesiredMapping[] = [];
  private readonly uniqueness: UniquenessCheck;
  private entries = 0;
  private readonly unreadFiles: string[] = [];

  constructor(crm: CrmIdRules) {
    this.uniqueness = new UniquenessCheck(crm);
  }

  add(file: string, loaded: FileOutcome): void {
    for (const error of loaded.errors) this.errors.push(error);
    this.entries += loaded.entries;
    if (loaded.unread) this.unreadFiles.push(file);
    for (const found of loaded.found) {
      this.uniqueness.add(found);
      if (found.mapping) this.mappings.push(found.mapping);
    }
  }

  details(files: string[]): LoadDetails {
    const errors = this.errors;
    errors.push(...this.uniqueness.errors());
    const order = new Map(files.map((f, i) => [f, i]));
    errors.sort((a, b) => (order.get(a.file)! - order.get(b.file)!) || a.line - b.line || a.column - b.column);
    return { state: { files, mappings: this.mappings }, errors, entries: this.entries, unreadFiles: this.unreadFiles };
  }
}

/** What one entry contributed: its valid IDs (for uniqueness) and, if wholly valid, the mapping. */
interface FoundEntry extends EntryIds {
  mapping?: DesiredMapping;
}

interface FileOutcome {
  errors: ValidationError[];
  found: FoundEntry[];
  entries: number;
  /** The file could not be read as YAML, so its entries could not be counted. */
  unread?: boolean;
}

async function loadFile(file: string, absolute: string, crm: CrmIdRules): Promise<FileOutcome> {
  const read = await readMappingText(absolute);
  if (!read.ok) return { errors: [{ file, line: read.line, column: read.column, code: 'file-invalid', message: read.message }], found: [], entries: 0, unread: true };
  return checkText(file, read.text, crm);
}

/** Validates one file's text on its own (no cross-file uniqueness): what fmt uses to check its output. */
export function checkFileText(file: string, text: string, crm: CrmIdRules = DEFAULT_CRM_RULES): { errors: ValidationError[]; mappings: DesiredMapping[] } {
  const outcome = checkText(file, text, crm);
  const uniqueness = new UniquenessCheck(crm);
  for (const found of outcome.found) uniqueness.add(found);
  const errors = [...outcome.errors, ...uniqueness.errors()];
  return { errors, mappings: outcome.found.flatMap((f) => (f.mapping ? [f.mapping] : [])) };
}

/** What the checks of one file share: where it is, its text and tree, and how to turn offsets into line:column. */
interface FileContext {
  file: string;
  text: string;
  doc: Document.Parsed;
  crm: CrmIdRules;
  at: (offset: number) => { line: number; column: number };
  errors: ValidationError[];
  /** Indexes of entries that already have an error (they never become mappings). */
  badEntries: Set<number>;
  /** Pointers whose schema errors are not reported (an earlier problem already covers them). */
  suppressed: Set<string>;
}

function checkText(file: string, text: string, crm: CrmIdRules, options: CheckOptions = {}): FileOutcome {
  if (options.reader === 'yaml') return checkParsed(file, text, crm);
  return checkCanonical(file, text, crm) ?? checkParsed(file, text, crm);
}

/**
 * The fast path: a file in fmt's shape whose every entry is valid, read without a parse tree.
 * Undefined for anything else (a shape it does not know, or any problem at all), so every error
 * is found, worded and placed by the yaml path below, exactly as before.
 */
function checkCanonical(file: string, text: string, crm: CrmIdRules): FileOutcome | undefined {
  const read = readCanonical(text);
  if (read === undefined) return undefined;
  if (!schemaValidator()({ mappings: read.entries })) return undefined;
  const found: FoundEntry[] = [];
  for (let index = 0; index < read.entries.length; index++) {
    const entry = read.entries[index]!;
    const spot = read.spots[index]!;
    // The schema made sure both IDs and the entry's position are there.
    const check = crm.check(entry.crmUserId as string);
    if (!check.ok) return undefined;
    const mapping: DesiredMapping = { crmUserId: check.id, outreachUserId: entry.outreachUserId as number, location: { file, ...spot.entry! } };
    if (entry.name !== undefined) mapping.name = entry.name as string;
    if (entry.email !== undefined) mapping.email = entry.email as string;
    if (entry.note !== undefined) mapping.note = entry.note as string;
    found.push({
      crmUserId: check.id,
      crmWritten: entry.crmUserId as string,
      crmAt: { file, ...spot.crmUserId! },
      outreachUserId: mapping.outreachUserId,
      outreachAt: { file, ...spot.outreachUserId! },
      mapping,
    });
  }
  return { errors: [], found, entries: read.entries.length };
}

/** The yaml path: a full parse with positions, for every file the fast path does not take. */
function checkParsed(file: string, text: string, crm: CrmIdRules): FileOutcome {
  const parsed = parseYaml(text);
  const at = (offset: number): { line: number; column: number } => {
    const pos = parsed.lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  if (!parsed.ok) {
    return {
      errors: parsed.problems.map((p) => withHint({ file, ...at(p.offset), code: p.kind, message: p.message }, p.hint)),
      found: [],
      entries: 0,
      unread: true,
    };
  }
  const { doc } = parsed;

  let plain: ReturnType<typeof toPlain>;
  try {
    plain = toPlain(doc);
  } catch (err) {
    if (err instanceof FileRefused) {
      const hint = /alias/.test(err.message) ? 'write the values out instead of using YAML anchors and aliases' : undefined;
      return { errors: [withHint({ file, ...at(err.offset), code: 'file-invalid', message: err.message }, hint)], found: [], entries: 0, unread: true };
    }
    throw err;
  }

  const ctx: FileContext = { file, text, doc, crm, at, errors: [], badEntries: new Set(), suppressed: new Set() };
  for (const problem of plain.problems) {
    ctx.errors.push(withHint({ file, ...at(problem.offset), code: 'file-invalid', message: problem.message }, problem.hint));
    if (problem.suppress) {
      ctx.suppressed.add(problem.suppress);
      markEntry(ctx.badEntries, problem.suppress);
    }
  }
  checkSchema(ctx, plain.value);
  const list = mappingsList(doc);
  const found = checkEntries(ctx, list, mappingsValues(plain.value));
  return { errors: ctx.errors, found, entries: list.length };
}

/** JSON Schema errors, each placed on the YAML node it is about. */
function checkSchema(ctx: FileContext, value: unknown): void {
  const validate = schemaValidator();
  if (validate(value)) return;
  const sourceOf = (pointer: string): string | undefined => sourceText(ctx.text, nodeAt(ctx.doc, pointer));
  const described = (validate.errors ?? [])
    .filter((error) => !ctx.suppressed.has(error.instancePath))
    .map((error) => {
      markEntry(ctx.badEntries, error.instancePath);
      return { error, message: describeSchemaError(error, sourceOf, ctx.crm) };
    });
  // "unknown key crmUserID — did you mean crmUserId?" already says that crmUserId is missing.
  const suggested = new Set(described.flatMap((d) => (d.message?.suggestion ? [`${d.error.instancePath}/${d.message.suggestion}`] : [])));
  for (const { error, message } of described) {
    if (message === undefined) continue;
    if (error.keyword === 'required' && suggested.has(`${error.instancePath}/${String(error.params.missingProperty)}`)) continue;
    const node = message.target === 'key' ? nodeAt(ctx.doc, error.instancePath, message.key) : nodeAt(ctx.doc, message.pointer);
    ctx.errors.push(withHint({ file: ctx.file, ...ctx.at(startOf(node)), code: 'schema', message: message.message }, message.hint));
  }
}

/** The CRM's ID checks per entry; the valid IDs (for uniqueness) and the wholly valid mappings. */
function checkEntries(ctx: FileContext, list: unknown[], values: unknown[]): FoundEntry[] {
  const { file, at } = ctx;
  const found: FoundEntry[] = [];
  for (let index = 0; index < list.length; index++) {
    const node = list[index] as Node;
    const value = values[index];
    if (!isMap(node) || value === null || typeof value !== 'object') continue;
    const entry = value as Record<string, unknown>;
    const crmNode = valueNode(node, 'crmUserId');
    const outreachNode = valueNode(node, 'outreachUserId');
    const crmAt = { file, ...at(startOf(crmNode ?? node)) };
    const outreachAt = { file, ...at(startOf(outreachNode ?? node)) };
    const result: FoundEntry = { crmAt, outreachAt };
    let ok = !ctx.badEntries.has(index);

    if (typeof entry.crmUserId === 'string' && !ctx.suppressed.has(`/mappings/${index}/crmUserId`)) {
      const check = ctx.crm.check(entry.crmUserId);
      if (check.ok) {
        result.crmUserId = check.id;
        result.crmWritten = entry.crmUserId;
      } else {
        ok = false;
        ctx.errors.push(withHint({ file, line: crmAt.line, column: crmAt.column, code: check.problem.code, message: check.problem.message }, check.problem.hint));
      }
    } else {
      ok = false;
    }
    const outreach = entry.outreachUserId;
    if (typeof outreach === 'number' && Number.isSafeInteger(outreach) && outreach >= 1) result.outreachUserId = outreach;
    else ok = false;

    if (ok && result.crmUserId !== undefined && result.outreachUserId !== undefined) {
      const mapping: DesiredMapping = {
        crmUserId: result.crmUserId,
        outreachUserId: result.outreachUserId,
        location: { file, ...at(startOf(node)) },
      };
      if (typeof entry.name === 'string') mapping.name = entry.name;
      if (typeof entry.email === 'string') mapping.email = entry.email;
      if (typeof entry.note === 'string') mapping.note = entry.note;
      result.mapping = mapping;
    }
    found.push(result);
  }
  return found;
}

function mappingsList(doc: Document.Parsed): unknown[] {
  const root = doc.contents;
  if (!isMap(root)) return [];
  const pair = root.items.find((p) => isScalar(p.key) && p.key.source === 'mappings');
  return isSeq(pair?.value) ? pair.value.items : [];
}

function mappingsValues(value: unknown): unknown[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const list = (value as Record<string, unknown>).mappings;
  return Array.isArray(list) ? list : [];
}

function valueNode(map: YAMLMap, key: string): Node | undefined {
  for (const pair of map.items as Pair[]) {
    if (isScalar(pair.key) && pair.key.source === key) {
      const value = pair.value as Node | null;
      return value === null || (isScalar(value) && value.value === null && value.range?.[0] === value.range?.[1]) ? (pair.key as Node) : value;
    }
  }
  return undefined;
}

function markEntry(bad: Set<number>, pointer: string): void {
  const match = /^\/mappings\/(\d+)/.exec(pointer);
  if (match) bad.add(Number(match[1]));
}

function sourceText(text: string, node: Node | undefined): string | undefined {
  if (!node?.range) return undefined;
  return text.slice(node.range[0], node.range[1]).trim();
}

function withHint(error: ValidationError, hint: string | undefined): ValidationError {
  return hint === undefined ? error : { ...error, hint };
}
