// The one interface every live mapping store implements. Adding a store means one file here
// and one line in stores/index.ts; nothing else needs to know which store is in use.
import type { StoreContext } from '../context.js';
import type { Change, ChangeResult, LiveState } from '../model.js';
import type { Directories } from '../directories/directory.js';

export interface ApplyProgress {
  done: number;
  total: number;
  /** Set while the store is waiting (rate limit, backoff), in milliseconds from now. */
  waitingMs?: number;
  /** Why it is waiting, e.g. "rate limited by Outreach". */
  reason?: string;
}

export interface ApplyHooks {
  /** Called once per change as soon as its outcome is known, so the journal is written as it happens. */
  onResult(result: ChangeResult): void | Promise<void>;
  onProgress?(progress: ApplyProgress): void;
  /**
   * Aborted when the run is interrupted (SIGINT, SIGTERM). Every store honours it the same way
   * (see `mayWrite` below, the one call a store needs):
   *  - send no new write once it is aborted — check with `mayWrite` right before each request;
   *  - let a write already sent finish and report its outcome with onResult as usual; never
   *    abort a request in flight (its outcome is what the journal needs); a retry of it is a
   *    new write: stop retrying, and report the change as failed ("not made: …"), or as
   *    "outcome unknown: …" when an earlier attempt got no answer;
   *  - waits before a write (rate limits, back-off) may end early; the write is then not sent;
   *  - report nothing for changes never sent, and resolve apply() with the results reported
   *    (it need not hold one per change then). Do not throw because of the interrupt.
   * The engine waits a bounded time for apply() to resolve; changes marked in flight by
   * `mayWrite` that have no outcome by then are journaled as "outcome unknown".
   */
  signal?: AbortSignal;
  /** Marks changes as sent and waiting for their outcome (the engine's in-flight set). Call it through `mayWrite`. */
  onSend?(changes: readonly Change[]): void;
  /**
   * Set by restore: the snapshot may map a user twice (a hand-kept store often did), and restore
   * brings back exactly its pairs, so an add may map a user who is already mapped. Stores that
   * keep one value per user record never refuse that anyway; the file store's emulation of the
   * plugin's "already mapped" refusal is lifted.
   */
  mapUsersTwice?: boolean;
}

/**
 * A store calls this right before sending a request that carries `changes`: false once the run
 * is interrupted (then send nothing and report nothing for them), otherwise true, with the
 * changes marked in flight until each one's onResult.
 */
export function mayWrite(hooks: ApplyHooks, changes: readonly Change[]): boolean {
  if (hooks.signal?.aborted) return false;
  hooks.onSend?.(changes);
  return true;
}

export interface MappingStore {
  /** The spec as shown in plans, e.g. "file:.mapsync/live.json" or "salesforce". */
  readonly spec: string;
  /**
   * True for stores that only read: the CRM plugin's own mapped-user list (CONTRACT §12), which
   * no API can write. The one place that applies refuses them, and their plan is the clicks an
   * admin makes; no other command asks which store it has.
   */
  readonly readOnly?: boolean;
  /** Every live mapping, names filled in where the store knows them. */
  list(): Promise<LiveState>;
  /**
   * Makes the changes in the order given (removes come first) and reports one result per change,
   * in the same order. A failed change must not stop unrelated ones; it is reported, not thrown.
   * Throws only when the store cannot be reached at all. When `hooks.signal` is aborted it stops
   * early and returns the results reported so far (see ApplyHooks.signal).
   */
  apply(changes: readonly Change[], hooks: ApplyHooks): Promise<ChangeResult[]>;
  /** Takes an exclusive lock on the store, so two applies never interleave; returns the release. */
  lock(): Promise<() => Promise<void>>;
  /** User directories the store itself provides (e.g. the file store's crmUsers / outreachUsers). */
  directories(): Directories;
  /** Releases connections. */
  close(): Promise<void>;
}


export type { StoreContext };

export type StoreFactory = ((argument: string | undefined, context: StoreContext) => Promise<MappingStore>) & {
  /**
   * True when the store's list() mostly waits on the network and its open reads nothing local
   * and prints nothing: plan then starts the list while it reads the mapping files (openEarly.ts).
   * Left unset for stores whose open reads a file (the file store): overlapping those would only
   * hold both in memory at once.
   */
  readonly listsOverNetwork?: boolean;
};
