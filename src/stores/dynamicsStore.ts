// The `dynamics` store: each mapping lives on the Dynamics 365 systemuser row, in a whole-number
// column (default new_outreachuserid) holding the Outreach user id; null means not mapped. Reads
// are one paged read of systemusers; writes are $batch requests of independent PATCHes.
//
// Dataverse has no lock a client can take on a set of rows. lock() therefore locks a local file
// in the state directory, as the Salesforce store does, so two applies from the same checkout
// never interleave (a killed apply's lock is taken over at once); across machines, the CI
// workflow's concurrency group runs one apply at a time, and every apply re-reads the org and
// re-checks the plan's live fingerprint before writing.
import { CONFIG_FILE } from '../config.js';
import { MapsyncError } from '../errors.js';
import { lockCheckout } from './file/lock.js';
import type { Change, ChangeResult, LiveMapping, LiveState, Warning } from '../model.js';
import { dynamicsDirectory } from '../directories/dynamicsDirectory.js';
import { dynamicsSession, fieldFor } from '../dynamics/session.js';
import { columnWrites, sendWrites, type ColumnWrite } from '../dynamics/writes.js';
import type { MappingStore, StoreFactory } from './store.js';

export const createDynamicsStore: StoreFactory = async (argument, context) => {
  if (context.config.crm !== 'dynamics') {
    throw new MapsyncError(`the dynamics store keeps mappings on Dynamics 365 systemusers, but this project's CRM is "${context.config.crm}" (crm in ${CONFIG_FILE})`, {
      hint: `set "crm: dynamics" in ${CONFIG_FILE} if your CRM is Dynamics 365, or use a store for your CRM (e.g. store: ${context.config.crm}, or outreach)`,
    });
  }
  // `dynamics:other_column` overrides the configured column for one run.
  const field = fieldFor(argument, context.config);
  const session = dynamicsSession(context, field);
  const spec = argument ? `dynamics:${field}` : 'dynamics';

  const store: MappingStore = {
    spec,

    async list(): Promise<LiveState> {
      const { rows, users } = await session.read();
      const mappings: LiveMapping[] = [];
      const warnings: Warning[] = [];
      for (const row of rows) {
        const raw = row[field];
        if (raw === null || raw === undefined) continue;
        const id = String(row.systemuserid).toLowerCase();
        const user = users.get(id);
        if (!user) continue; // not a systemuserid GUID: never a mapping
        if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1) {
          warnings.push({
            code: 'live-invalid-value',
            message: `Dynamics 365 systemuser ${id}${user.name ? ` (${user.name})` : ''} has ${field} = ${JSON.stringify(raw)}, which is not an Outreach user id (a whole number >= 1); it is not treated as a mapping`,
            crmUserId: id,
          });
          continue;
        }
        mappings.push({ crmUserId: id, outreachUserId: raw, ...(user.name ? { crmUserName: user.name } : {}) });
      }
      mappings.sort((a, b) => (a.crmUserId < b.crmUserId ? -1 : a.crmUserId > b.crmUserId ? 1 : a.outreachUserId - b.outreachUserId));
      context.log.debug(`Dynamics 365: ${rows.length} systemuser(s), ${mappings.length} with ${field} set; ${session.client.requestCount} request(s) and ${session.client.token.requests} token request(s) so far`);
      return { mappings, warnings };
    },

    async apply(changes: readonly Change[], hooks): Promise<ChangeResult[]> {
      if (changes.length === 0) return [];
      const results: (ChangeResult | undefined)[] = new Array(changes.length);
      let done = 0;
      const stopWaiting = session.client.gate.onWait((notice) => hooks.onProgress?.({ done, total: changes.length, ...notice }));
      const settle = async (indexes: number[], ok: boolean, error?: string) => {
        for (const index of indexes) {
          const result: ChangeResult = ok ? { change: changes[index]!, ok } : { change: changes[index]!, ok, error: error ?? 'failed' };
          results[index] = result;
          done += 1;
          await hooks.onResult(result);
        }
        hooks.onProgress?.({ done, total: changes.length });
      };
      // The interrupt, when the engine passes one (see ApplyHooks in stores/store.ts): no batch
      // leaves after it, a batch in flight is let finish, and each batch is marked in flight
      // just before it leaves.
      const { signal, onSend } = hooks as typeof hooks & { signal?: AbortSignal; onSend?: (sent: readonly Change[]) => void };
      const mayWrite = (chunk: readonly ColumnWrite[]) => {
        if (signal?.aborted) return false;
        onSend?.(chunk.flatMap((w) => w.changeIndexes.map((i) => changes[i]!)));
        return true;
      };
      try {
        await sendWrites(session.client, field, columnWrites(changes), (outcome) => settle(outcome.write.changeIndexes, outcome.ok, outcome.error), { mayWrite, ...(signal ? { signal } : {}) });
      } catch (err) {
        // Nothing was settled at all: the org could not be reached — say so as an error.
        if (done === 0) throw err;
        const reason = err instanceof Error ? err.message : String(err);
        context.log.warn(reason);
        if (err instanceof MapsyncError && err.hint) context.log.info(`hint: ${err.hint}`);
        const unsettled = changes.map((_, i) => i).filter((i) => results[i] === undefined);
        await settle(unsettled, false, 'not sent: mapsync stopped at an earlier Dynamics 365 error, see above');
      } finally {
        stopWaiting();
      }
      // Interrupted: only what was reported; changes never sent have no result.
      if (signal?.aborted) return results.filter((r): r is ChangeResult => r !== undefined);
      return results.map((r, i) => r ?? { change: changes[i]!, ok: false, error: 'no result' });
    },

    async lock() {
      // Held as <stateDir>/dynamics.lock; one left by an apply killed on this machine is taken over at once.
      return lockCheckout(context.config.stateDir, 'dynamics', 'Dynamics 365');
    },

    directories() {
      return { crm: dynamicsDirectory(session) };
    },

    async close() {
      // dynamics-web-api keeps idle keep-alive sockets; they are unref'd by Node at exit.
    },
  };
  return store;
};
