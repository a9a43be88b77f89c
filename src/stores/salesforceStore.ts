// The `salesforce` store: each mapping lives on the Salesforce User record, in a text field
// (default Outreach_User_Id__c) holding the Outreach user id. Reads are one SOQL query followed
// through its batches; writes go 200 records a request through sObject Collections.
//
// Salesforce has no lock a client can take on a set of records. lock() therefore locks a local
// file in the state directory, so two applies from the same checkout never interleave; across
// machines, the CI workflow's concurrency group runs one apply at a time, and every apply
// re-checks the plan's live fingerprint before writing.
import { CONFIG_FILE } from '../config.js';
import { MapsyncError } from '../errors.js';
import { lockCheckout } from './file/lock.js';
import type { Change, ChangeResult, LiveMapping, LiveState, Warning } from '../model.js';
import { salesforceDirectory, USER_FIELDS } from '../directories/salesforceDirectory.js';
import { isFieldName, queryAll, type UserRecord } from '../salesforce/queries.js';
import { salesforceSession } from '../salesforce/session.js';
import { fieldWrites, sendWrites } from '../salesforce/writes.js';
import { parseOutreachId } from '../salesforce/fieldValue.js';
import { applyResults } from './results.js';
import { mayWrite, type MappingStore, type StoreFactory } from './store.js';

export const createSalesforceStore: StoreFactory = async (argument, context) => {
  // The mappings live on Salesforce Users: under another CRM there is nothing here to map.
  if (context.config.crm !== 'salesforce') {
    throw new MapsyncError(`the salesforce store keeps mappings on Salesforce Users, but this project's CRM is "${context.config.crm}" (crm in ${CONFIG_FILE})`, {
      hint: `use a store for your CRM (e.g. store: ${context.config.crm}, or outreach), or set "crm: salesforce" in ${CONFIG_FILE} if your CRM is Salesforce`,
    });
  }
  // `salesforce:Other_Field__c` overrides the configured field for one run.
  const field = argument && argument.length > 0 ? argument : context.config.salesforce.field;
  if (!isFieldName(field)) {
    throw new MapsyncError(`"${field}" is not a Salesforce field API name`, { hint: 'set salesforce.field in mapsync.config.yaml to the API name of a text field on User, e.g. Outreach_User_Id__c' });
  }
  const session = salesforceSession(context);
  const spec = argument ? `salesforce:${field}` : 'salesforce';

  const store: MappingStore = {
    spec,

    async list(): Promise<LiveState> {
      const client = await session.connect();
      const soql = `SELECT ${[...USER_FIELDS, field].join(', ')} FROM User WHERE ${field} != null`;
      const records = await queryAll<UserRecord>(client, soql);
      const mappings: LiveMapping[] = [];
      const warnings: Warning[] = [];
      for (const record of records) {
        // The query returned the name, e-mail and status too: the directory reuses them.
        const user = session.remember(record);
        const raw = fieldValue(record, field);
        const outreachUserId = parseOutreachId(raw);
        if (outreachUserId === undefined) {
          if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) continue;
          warnings.push({
            code: 'live-invalid-value',
            message: `Salesforce User ${user.id}${user.name ? ` (${user.name})` : ''} has ${field} = ${JSON.stringify(raw)}, which is not an Outreach user id (a whole number >= 1); it is not treated as a mapping`,
            crmUserId: user.id,
          });
          continue;
        }
        mappings.push({ crmUserId: user.id, outreachUserId, ...(user.name ? { crmUserName: user.name } : {}) });
      }
      mappings.sort((a, b) => (a.crmUserId < b.crmUserId ? -1 : a.crmUserId > b.crmUserId ? 1 : a.outreachUserId - b.outreachUserId));
      context.log.debug(`Salesforce: ${records.length} User(s) with ${field} set; ${client.requestCount} request(s) so far${client.apiUsage ? `, org API usage ${client.apiUsage} today` : ''}`);
      return { mappings, warnings };
    },

    async apply(changes: readonly Change[], hooks): Promise<ChangeResult[]> {
      if (changes.length === 0) return [];
      const client = await session.connect();
      const results = applyResults(changes, hooks);
      try {
        await sendWrites(client, field, fieldWrites(changes), (outcome) => results.settle(outcome.write.changeIndexes, outcome.ok, outcome.error), {
          // Each request asks first: after an interrupt nothing more is sent (see ApplyHooks.signal).
          mayWrite: (chunk) => mayWrite(hooks, chunk.flatMap((w) => w.changeIndexes.map((i) => changes[i]!))),
          ...(hooks.signal ? { signal: hooks.signal } : {}),
        });
      } catch (err) {
        await results.stoppedAt(err, context.log, (reason) => {
          const code = /\(([A-Z_]{4,})[;)]/.exec(reason)?.[1];
          return `not sent: mapsync stopped at an earlier Salesforce error${code ? ` (${code})` : ''}, see above`;
        });
      }
      return results.list();
    },

    async lock() {
      // Held as <stateDir>/salesforce.lock; one left by an apply killed on this machine is taken over at once.
      return lockCheckout(context.config.stateDir, 'salesforce', 'Salesforce');
    },

    directories() {
      return { crm: salesforceDirectory(session) };
    },

    async close() {
      // jsforce keeps no open sockets between requests that need closing.
    },
  };
  return store;
};

/** Salesforce answers with the field's own spelling; the config may spell it in another case. */
function fieldValue(record: UserRecord, field: string): unknown {
  if (field in record) return record[field];
  const lower = field.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}
