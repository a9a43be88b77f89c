// The one interface every live mapping store implements. Adding a store means one file here
// and one line in stores/index.ts; nothing else needs to know which store is in use.
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
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
}

export interface MappingStore {
  /** The spec as shown in plans, e.g. "file:.mapsync/live.json" or "salesforce". */
  readonly spec: string;
  /** Every live mapping, names filled in where the store knows them. */
  list(): Promise<LiveState>;
  /**
   * Makes the changes in the order given (removes come first) and reports one result per change,
   * in the same order. A failed change must not stop unrelated ones; it is reported, not thrown.
   * Throws only when the store cannot be reached at all.
   */
  apply(changes: readonly Change[], hooks: ApplyHooks): Promise<ChangeResult[]>;
  /** Takes an exclusive lock on the store, so two applies never interleave; returns the release. */
  lock(): Promise<() => Promise<void>>;
  /** User directories the store itself provides (e.g. the file store's crmUsers / outreachUsers). */
  directories(): Directories;
  /** Releases connections. */
  close(): Promise<void>;
}

export interface StoreContext {
  config: Config;
  env: NodeJS.ProcessEnv;
  log: Logger;
}

export type StoreFactory = (argument: string | undefined, context: StoreContext) => Promise<MappingStore>;
