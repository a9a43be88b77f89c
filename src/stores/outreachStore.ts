// The `outreach` store: each Outreach user's custom field (config outreach.field, default
// custom1) holds the canonical CRM user ID it is mapped to (the 18-character Salesforce User ID,
// or the lower-case Dynamics systemuserid GUID, as the crm setting says). Reading is the user list
// (shared with the directory); writing is one PATCH per user — Outreach has no bulk write —
// with a few in flight at once behind the shared rate-limit gate.
//
// Outreach has no lock of its own, so lock() takes a local lockfile in stateDir: it keeps two
// applies from the same checkout (or CI runner workspace) apart; CI serialises the rest with
// its concurrency group.
import { MapsyncError } from '../errors.js';
import { lockCheckout } from './file/lock.js';
import type { Change, ChangeResult, LiveMapping, LiveState, Warning } from '../model.js';
import { crmIdRules, type CrmIdRules } from '../crm/index.js';
import { outreachDirectory } from '../directories/outreachDirectory.js';
import { outreachClient, type OutreachClient } from '../outreach/client.js';
import { OutreachApiError } from '../outreach/apiError.js';
import { OutreachStoppedError, OutreachUnreachableError } from '../outreach/http.js';
import type { OutreachUserRecord } from '../outreach/users.js';
import { planWrites, type FieldWrite } from '../outreach/writes.js';
import { runPool } from '../outreach/pool.js';
import { mayWrite, type ApplyHooks, type MappingStore, type StoreContext, type StoreFactory } from './store.js';

/** PATCHes in flight at once: enough to hide latency, few enough to be polite. */
export const WRITE_CONCURRENCY = 4;

export function liveStateFromUsers(users: readonly OutreachUserRecord[], field: string, crm: CrmIdRules): LiveState {
  const mappings: LiveMapping[] = [];
  const warnings: Warning[] = [];
  for (const user of users) {
    if (user.mappingValue === undefined) continue;
    const check = crm.check(user.mappingValue);
    if (check.ok) {
      mappings.push({ crmUserId: check.id, outreachUserId: user.id, outreachUserName: user.name });
    } else {
      warnings.push({
        code: 'live-invalid-value',
        outreachUserId: user.id,
        message: `Outreach user ${user.id} (${user.name}) has ${field} = "${user.mappingValue}", which is not a ${crm.idName} (${check.problem.message}); it is not taken as a mapping`,
      });
    }
  }
  mappings.sort((a, b) => a.outreachUserId - b.outreachUserId);
  return { mappings, warnings };
}

class OutreachStore implements MappingStore {
  readonly spec = 'outreach';

  constructor(
    private readonly client: OutreachClient,
    private readonly context: StoreContext,
  ) {}

  async list(): Promise<LiveState> {
    return liveStateFromUsers(await this.client.listUsers(), this.client.field, crmIdRules(this.context.config.crm));
  }

  async apply(changes: readonly Change[], hooks: ApplyHooks): Promise<ChangeResult[]> {
    const results: ChangeResult[] = new Array(changes.length);
    const writes = planWrites(changes);
    const total = changes.length;
    let done = 0;
    const onProgress = hooks.onProgress;
    if (onProgress) this.client.waitReporter = ({ waitingMs, reason }) => onProgress({ done, total, waitingMs, reason });
    let fatal: unknown;
    const write = async (w: FieldWrite) => {
      // After an interrupt (or a fatal error) nothing new is sent; the writes in flight finish.
      if (fatal || !mayWrite(hooks, w.changeIndexes.map((i) => changes[i]!))) return;
      let error: string | undefined;
      try {
        await this.patch(w, hooks.signal);
      } catch (err) {
        if (err instanceof OutreachApiError) error = err.message;
        else if (err instanceof OutreachStoppedError) {
          // Stopped by the interrupt before it left: no outcome to report, the plan still has it.
          if (!err.sent) return;
          error = err.message;
        } else {
          // Auth or network trouble: every other write would fail the same way.
          fatal ??= err;
          // A write that got no answer may have been made: the journal must still hear of it.
          if (!(err instanceof OutreachUnreachableError)) return;
          error = `outcome unknown: ${err.message}; the write may have been applied`;
        }
      }
      for (const index of w.changeIndexes) {
        const result: ChangeResult = error === undefined ? { change: changes[index]!, ok: true } : { change: changes[index]!, ok: false, error };
        results[index] = result;
        done += 1;
        await hooks.onResult(result);
      }
      hooks.onProgress?.({ done, total });
    };
    try {
      // Clearing first, then setting: a CRM user is never on two Outreach users at once.
      await runPool(writes.filter((w) => w.value === null), WRITE_CONCURRENCY, write);
      if (!fatal && !hooks.signal?.aborted) await runPool(writes.filter((w) => w.value !== null), WRITE_CONCURRENCY, write);
    } finally {
      this.client.waitReporter = undefined;
      this.client.invalidate();
    }
    if (fatal) throw fatal;
    // Interrupted: changes never sent have no result.
    return results.filter((r) => r !== undefined);
  }

  private async patch(w: FieldWrite, signal: AbortSignal | undefined): Promise<void> {
    await this.client.http.request('PATCH', `/users/${w.outreachUserId}`, {
      data: { type: 'user', id: w.outreachUserId, attributes: { [this.client.field]: w.value } },
    }, signal);
  }

  async lock(): Promise<() => Promise<void>> {
    // Held as <stateDir>/outreach.lock; one left by an apply killed on this machine is taken over at once.
    return lockCheckout(this.context.config.stateDir, 'outreach', 'Outreach');
  }

  directories() {
    return { outreach: outreachDirectory(this.client) };
  }

  async close(): Promise<void> {}
}

export const createOutreachStore: StoreFactory = async (argument, context) => {
  if (argument !== undefined) {
    throw new MapsyncError(`the outreach store takes no argument (got "outreach:${argument}")`, {
      hint: 'choose the user field with outreach.field in mapsync.config.yaml (default custom1)',
    });
  }
  return new OutreachStore(outreachClient(context), context);
};
