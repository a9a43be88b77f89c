// `mapsync fmt`: rewrites the mapping files in canonical form (see src/desired/format.ts).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { CommandRunner } from '../action.js';
import { MapsyncError } from '../../errors.js';
import { loadDesiredDetails } from '../../desired/load.js';
import { formatMappingFile } from '../../desired/format.js';
import { crmIdRules } from '../../crm/index.js';

export interface FmtOptions {
  check?: boolean;
  dir?: string;
}

interface Rewrite {
  file: string;
  before: string;
  after: string;
}

export const runFmt: CommandRunner<FmtOptions> = async (options, context) => {
  const dir = options.dir ?? context.config.mappingsDir;
  const crm = crmIdRules(context.config.crm);
  const loaded = await loadDesiredDetails(dir, process.cwd(), crm);
  const first = loaded.errors[0];
  if (first) {
    throw new MapsyncError(
      `${first.file}:${first.line}:${first.column}: ${first.code}: ${first.message} — fmt only formats valid files (${loaded.errors.length} error${loaded.errors.length === 1 ? '' : 's'})`,
      { hint: 'run mapsync validate to see every error, fix them, then run fmt again' },
    );
  }
  // Everything is computed before anything is written: a file that cannot be formatted stops the run with no file touched.
  const rewrites: Rewrite[] = [];
  for (const file of loaded.state.files) {
    const before = (await readFile(join(process.cwd(), file), 'utf8')).replace(/^\uFEFF/, '');
    const after = formatMappingFile(file, before, crm);
    if (after !== before) rewrites.push({ file, before, after });
  }
  const total = loaded.state.files.length;
  if (options.check) {
    const { createTwoFilesPatch } = await import('diff'); // only --check prints a diff
    for (const r of rewrites) context.print(createTwoFilesPatch(`a/${r.file}`, `b/${r.file}`, r.before, r.after, undefined, undefined, { context: 3 }));
    context.log.info(rewrites.length === 0
      ? `${total} file${total === 1 ? '' : 's'} already formatted`
      : `${rewrites.length} of ${total} file${total === 1 ? '' : 's'} would change; run mapsync fmt`);
    return rewrites.length === 0 ? 0 : 1;
  }
  await writeAll(rewrites);
  for (const r of rewrites) context.print(`formatted ${r.file}\n`);
  context.log.info(`${rewrites.length} of ${total} file${total === 1 ? '' : 's'} changed`);
  return 0;
};

/** Each file is replaced atomically; if one write fails, the files already replaced get their old text back. */
async function writeAll(rewrites: Rewrite[]): Promise<void> {
  const done: Rewrite[] = [];
  try {
    for (const r of rewrites) {
      await writeFileAtomic(join(process.cwd(), r.file), r.after);
      done.push(r);
    }
  } catch (err) {
    for (const r of done) await writeFileAtomic(join(process.cwd(), r.file), r.before).catch(() => undefined);
    const reason = err instanceof Error ? err.message : String(err);
    throw new MapsyncError(`could not write the formatted files (${reason}); no file was changed`, { cause: err });
  }
}
