// The results of one apply() as a remote store reports them (Salesforce, Dynamics): each change
// settled once, as soon as its outcome is known; when sending stops at an error, the changes it
// never reached are reported as not sent — unless nothing was settled at all, when the store
// could not be reached and the error is thrown; when the run was interrupted, only what was
// reported (see ApplyHooks.signal in store.ts).
import { MapsyncError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Change, ChangeResult } from '../model.js';
import type { ApplyHooks } from './store.js';

export interface ApplyResults {
  /** How many changes have an outcome so far. */
  readonly done: number;
  /** Reports the changes at `indexes` as made (ok) or failed with `error`. */
  settle(indexes: readonly number[], ok: boolean, error?: string): Promise<void>;
  /**
   * Sending stopped at `err`: throws it when nothing was settled; otherwise warns once (with its
   * hint) and reports every change not yet settled as failed with `notSent(reason)`.
   */
  stoppedAt(err: unknown, log: Logger, notSent: (reason: string) => string): Promise<void>;
  /** What apply() returns: one result per change, or only those reported when interrupted. */
  list(): ChangeResult[];
}

export function applyResults(changes: readonly Change[], hooks: ApplyHooks): ApplyResults {
  const results: (ChangeResult | undefined)[] = new Array(changes.length);
  let done = 0;
  const settle = async (indexes: readonly number[], ok: boolean, error?: string) => {
    for (const index of indexes) {
      const result: ChangeResult = ok ? { change: changes[index]!, ok } : { change: changes[index]!, ok, error: error ?? 'failed' };
      results[index] = result;
      done += 1;
      await hooks.onResult(result);
    }
    hooks.onProgress?.({ done, total: changes.length });
  };
  return {
    get done() {
      return done;
    },
    settle,
    async stoppedAt(err, log, notSent) {
      if (done === 0) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      log.warn(reason);
      if (err instanceof MapsyncError && err.hint) log.info(`hint: ${err.hint}`);
      await settle(changes.map((_, i) => i).filter((i) => results[i] === undefined), false, notSent(reason));
    },
    list() {
      if (hooks.signal?.aborted) return results.filter((r): r is ChangeResult => r !== undefined);
      return results.map((r, i) => r ?? { change: changes[i]!, ok: false, error: 'no result' });
    },
  };
}
