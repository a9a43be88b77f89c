// `mapsync import`: writes the live mappings as YAML — the way to start managing an existing org.
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { importEntries, importYaml } from '../../apply/importYaml.js';
import { resolveDirectories } from '../../directories/index.js';
import { MapsyncError } from '../../errors.js';
import { openStore, parseStoreSpec } from '../../stores/index.js';
import type { CommandRunner } from '../action.js';
import { checkOutputFile, writeOutputFile } from '../../outputFile.js';

export interface ImportOptions {
  store?: string;
  out?: string;
  force?: boolean;
}

const SCHEMA_FILE = join('schema', 'user-mappings.schema.json');

/** The modeline path from the folder the YAML will live in to the repository's schema. */
function schemaPathFrom(folder: string): string {
  return relative(resolve(folder), resolve(SCHEMA_FILE)).split(sep).join('/');
}

export const runImport: CommandRunner<ImportOptions> = async (options, context) => {
  const out = options.out;
  if (out !== undefined) await checkOutputFile(out, 'the mappings');
  if (out !== undefined && existsSync(out) && !options.force) {
    throw new MapsyncError(`${relative(process.cwd(), resolve(out)) || out} already exists; not overwriting it`, { hint: 'choose another --out file, or pass --force' });
  }
  const spec = options.store ?? context.config.store;
  // A file store that does not exist reads as empty; importing it would write `mappings: []`
  // and call that the live list.
  const { kind, argument } = parseStoreSpec(spec);
  if (kind === 'file' && argument && !existsSync(argument)) {
    throw new MapsyncError(`nothing to import: the file store ${relative(process.cwd(), resolve(argument)) || argument} does not exist`, {
      code: 'store-missing',
      hint: 'check the path after file:',
    });
  }
  const storeContext = { config: context.config, env: context.env, log: context.log, ports: context.ports };
  const store = await openStore(spec, storeContext);
  let text: string;
  try {
    const live = await store.list();
    for (const w of live.warnings) context.log.warn(`${w.code}: ${w.message}`);
    const { entries, skipped } = await importEntries(live.mappings, await resolveDirectories(store.directories(), storeContext));
    // Round trips are exact (CONTRACT §3): YAML without these pairs would make the next plan
    // remove live mappings, so nothing is written and each one is named.
    if (skipped.length > 0) {
      for (const line of skipped) context.log.info(`cannot express: ${line}`);
      // On a read-only store the list is the plugin's: only its screen can drop the extra mapping.
      const where = store.readOnly ? "the plugin's list" : 'the live store';
      const fix = store.readOnly ? 'remove the other in the plugin screen' : 'fix it in the live store';
      throw new MapsyncError(`${where} maps ${skipped.length} pair${skipped.length === 1 ? '' : 's'} that mapping files cannot express (a user mapped twice); nothing was written`, {
        code: 'import-inexpressible',
        hint: `decide which mapping each of those users keeps, ${fix} (or write those entries by hand), then import again`,
      });
    }
    text = importYaml(entries, schemaPathFrom(out !== undefined ? dirname(out) : context.config.mappingsDir));
    if (out === undefined) {
      context.print(text);
    } else {
      await writeOutputFile(out, text, 'the mappings');
      context.log.info(`Wrote ${entries.length} mapping${entries.length === 1 ? '' : 's'} from ${store.spec} to ${relative(process.cwd(), resolve(out))}.`);
    }
  } finally {
    await store.close().catch(() => undefined);
  }
  return 0;
};
