// `suggest --write`: reads the files the suggestions touch, computes every edit in memory
// (write.ts validates them), then replaces each file atomically; if one write fails, the files
// already replaced get their old text back, so mappings/ is never left half-edited.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { CrmIdRules } from '../crm/index.js';
import { MapsyncError } from '../errors.js';
import type { DesiredState } from '../model.js';
import type { SuggestionSet } from './model.js';
import { editMappingFiles, type EditOutcome, type FileEdit } from './write.js';

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The current text of each file the suggestions name (the addTo file only if it exists). */
export async function readTouchedFiles(set: SuggestionSet, addTo: string, cwd = process.cwd()): Promise<Map<string, string>> {
  const files = new Set<string>();
  for (const s of set.suggestions) files.add(s.action === 'add' ? addTo : s.file!);
  const texts = new Map<string, string>();
  for (const file of files) {
    try {
      texts.set(file, (await readFile(resolve(cwd, file), 'utf8')).replace(/^\uFEFF/, ''));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && file === addTo) continue;
      throw new MapsyncError(`cannot read ${file}: ${(err as Error).message}`);
    }
  }
  return texts;
}

export async function planEdits(args: { set: SuggestionSet; desired: DesiredState; addTo: string; max: number; crm: CrmIdRules }): Promise<EditOutcome> {
  const texts = await readTouchedFiles(args.set, args.addTo);
  return editMappingFiles({ suggestions: args.set.suggestions, texts, desired: args.desired.mappings, addTo: args.addTo, date: today(), max: args.max, crm: args.crm });
}

export async function writeSuggestions(args: { set: SuggestionSet; desired: DesiredState; addTo: string; max: number; crm: CrmIdRules }): Promise<EditOutcome> {
  const outcome = await planEdits(args);
  await writeEdits(outcome.edits);
  return outcome;
}

async function writeEdits(edits: readonly FileEdit[]): Promise<void> {
  const done: FileEdit[] = [];
  try {
    for (const edit of edits) {
      const path = resolve(edit.file);
      if (edit.before === undefined) await mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, edit.after);
      done.push(edit);
    }
  } catch (err) {
    for (const edit of done) {
      const path = resolve(edit.file);
      if (edit.before === undefined) await import('node:fs/promises').then((fs) => fs.rm(path, { force: true })).catch(() => undefined);
      else await writeFileAtomic(path, edit.before).catch(() => undefined);
    }
    throw new MapsyncError(`could not write the suggested edits (${(err as Error).message}); no file was changed`, { cause: err });
  }
}
