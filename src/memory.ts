// At 100k mappings the YAML loader leaves ~200 MB of short-lived parse trees behind, and V8
// collects old-generation garbage lazily: the next phase (reading the live store) then grows the
// heap instead of reusing it, and peak RSS ends up at twice the live data. A full collection
// between phases keeps the peak close to what is really in use. Small runs skip it: below the
// threshold the garbage is small and the collection would only cost time.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const WORTH_COLLECTING = 20_000;
let collect: (() => void) | undefined;

/** Runs a full garbage collection when `items` (mappings just processed) is large enough to matter. */
export function releaseGarbage(items: number): void {
  if (items < WORTH_COLLECTING) return;
  if (!collect) {
    // --expose-gc can be switched on at run time; the gc function then exists in new contexts.
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}
