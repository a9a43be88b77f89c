// Starts a store's list() before the mapping files are read, for stores whose list waits on the
// network (StoreFactory.listsOverNetwork): the files load while the answer is on its way. Nothing
// visible changes: a failure to open or list is reported only when taken, so the files' errors
// still come first; what the store logs meanwhile is held and printed once the files are read
// (dropped, with the read stopped, when they fail: today's run would never have opened the
// store). Other stores are opened when taken, exactly as before.
import type { Logger } from '../log.js';
import type { LiveState } from '../model.js';
import { factoryFor, openStore } from './index.js';
import type { MappingStore, StoreContext } from './store.js';

export interface StoreStart {
  /** The open store and its list, after the mapping files were read without error. */
  take(): Promise<{ store: MappingStore; live: Promise<LiveState> }>;
  /** The mapping files failed: stop what was started, print nothing of it. */
  abandon(): Promise<void>;
}

const ignore = () => undefined;

/** A logger that holds messages until released (then prints them in order) or dropped. */
function heldLogger(target: Logger): { log: Logger; release(): void; drop(): void } {
  let state: 'holding' | 'released' | 'dropped' = 'holding';
  const held: (() => void)[] = [];
  const say = (print: () => void) => {
    if (state === 'released') print();
    else if (state === 'holding') held.push(print);
    // Dropped: the run ends on the files' errors, and an unopened store would have said nothing.
  };
  return {
    log: {
      info: (m) => say(() => target.info(m)),
      warn: (m) => say(() => target.warn(m)),
      debug: (m) => say(() => target.debug(m)),
    },
    release() {
      state = 'released';
      for (const print of held.splice(0)) print();
    },
    drop() {
      state = 'dropped';
      held.length = 0;
    },
  };
}

export async function startStore(spec: string, context: StoreContext): Promise<StoreStart> {
  if ((await factoryFor(spec))?.listsOverNetwork !== true) {
    return {
      async take() {
        const store = await openStore(spec, context);
        return { store, live: store.list() };
      },
      abandon: async () => undefined,
    };
  }
  const held = heldLogger(context.log);
  const early = openStore(spec, { ...context, log: held.log }).then((store) => ({ store, live: store.list() }));
  // Handlers at once: a failure surfaces where it is taken, never as an unhandled rejection.
  early.then(({ live }) => live.catch(ignore), ignore);
  return {
    async take() {
      held.release();
      return early;
    },
    async abandon() {
      held.drop();
      const opened = await early.catch(ignore);
      // close() stops the read in flight, so the run ends now rather than when the answer comes.
      await opened?.store.close().catch(ignore);
    },
  };
}
