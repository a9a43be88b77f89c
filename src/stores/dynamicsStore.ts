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
import { columnWrites, sendWrites } from '../dynamics/writes.js';
import { applyResults } from './results.js';
import { mayWrite, type MappingStore, type StoreFactory } from './store.js';

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
      const results = applyResults(changes, hooks);
      const stopWaiting = session.client.gate.onWait((notice) => hooks.onProgress?.({ done: results.done, total: changes.length, ...notice }));
      try {
        await sendWrites(session.client, field, columnWrites(changes), (outcome) => results.settle(outcome.write.changeIndexes, outcome.ok, outcome.error), {
          // Each batch asks first: after an interrupt no batch leaves, one in flight is let finish.
          mayWrite: (chunk) => mayWrite(hooks, chunk.flatMap((w) => w.changeIndexes.map((i) => changes[i]!))),
          ...(hooks.signal ? { signal: hooks.signal } : {}),
        });
      } catch (err) {
        await results.stoppedAt(err, context.log, () => 'not sent: mapsync stopped at an earlier Dynamics 365 error, see above');
      } finally {
        stopWaiting();
      }
      return results.list();
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
