// The shared "load desired, read live, check, diff" flow used by plan, drift, apply
// --auto-approve and the GitHub integration.
import { relative } from 'node:path';
import type { CommandContext } from '../context.js';
import { loadDesired, type ValidationError } from '../desired/load.js';
import { crmIdRules } from '../crm/index.js';
import { resolveDirectories } from '../directories/index.js';
import { MapsyncError } from '../errors.js';
import type { DesiredState, LiveState, Plan } from '../model.js';
import { openStore } from '../stores/index.js';
import type { MappingStore } from '../stores/store.js';
import { computePlanDetails } from './computePlan.js';
import { releaseGarbage } from '../memory.js';

export interface PreparedPlan {
  plan: Plan;
  /** Still open: the caller closes it (apply keeps it to write). */
  store: MappingStore;
  desired: DesiredState;
  /** As the store listed it, with names filled in from the directories where it had none. */
  live: LiveState;
}

export interface PrepareOptions {
  /** Overrides config.store. */
  storeSpec?: string;
  /** Overrides config.mappingsDir. */
  mappingsDir?: string;
}

/** How many validation errors plan prints before pointing at `mapsync validate`. */
const ERRORS_SHOWN = 20;

export async function preparePlan(context: CommandContext, options: PrepareOptions = {}): Promise<PreparedPlan> {
  const mappingsDir = options.mappingsDir ?? context.config.mappingsDir;
  const loaded = await loadDesired(mappingsDir, crmIdRules(context.config.crm));
  if (loaded.errors.length > 0) {
    // A few errors are enough to act on; the full list is what `mapsync validate` is for.
    for (const error of loaded.errors.slice(0, ERRORS_SHOWN)) context.log.info(formatValidationError(error));
    const shown = displayDir(mappingsDir);
    const count = loaded.errors.length;
    if (count > ERRORS_SHOWN) context.log.info(`… and ${count - ERRORS_SHOWN} more`);
    throw new MapsyncError(`${count} ${count === 1 ? 'error' : 'errors'} in ${shown} — no plan was made`, {
      code: 'invalid-mapping-files',
      details: loaded.errors.map(({ code, message, file, line, column }) => ({ code, message, file, line, column })),
      hint: `run \`mapsync validate${mappingsDir === 'mappings' ? '' : ` --dir ${shown}`}\` and fix them first`,
    });
  }

  releaseGarbage(loaded.state.mappings.length);
  const storeContext = { config: context.config, env: context.env, log: context.log, ports: context.ports };
  const store = await openStore(options.storeSpec ?? context.config.store, storeContext);
  try {
    const live = await store.list();
    releaseGarbage(live.mappings.length);
    const directories = await resolveDirectories(store.directories(), storeContext);
    const details = await computePlanDetails({
      storeSpec: store.spec,
      desired: loaded.state,
      live,
      directories,
      safety: context.config.safety,
    });
    return { plan: details.plan, store, desired: loaded.state, live: details.live };
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}

/** `file:line:col  code  message` (+ a hint line), the way validate prints an error in text form. */
export function formatValidationError(error: ValidationError): string {
  const line = `${error.file}:${error.line}:${error.column}  ${error.code}  ${error.message}`;
  return error.hint ? `${line}\n  hint: ${error.hint}` : line;
}

function displayDir(dir: string): string {
  const shown = relative(process.cwd(), dir) || '.';
  return shown.endsWith('/') ? shown : `${shown}/`;
}
