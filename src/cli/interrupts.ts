// SIGINT / SIGTERM while `apply` or `restore` writes: the first one asks the run to stop the way
// Terraform does (no new writes, the ones in flight finish and are journaled, the lock is
// released), the second one exits at once. Outside that window Node's defaults apply: before
// the lock nothing has been written, so dying at once is right.

/** The shell's convention: 128 + the signal's number. */
export function exitCodeFor(signal: string | undefined): number {
  return signal === 'SIGTERM' ? 143 : 130;
}

export interface InterruptWatch {
  /** Aborted at the first signal; its reason is the signal's name. */
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  received(): NodeJS.Signals | undefined;
  /** Removes the handlers (Node's defaults apply again). */
  stop(): void;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** `say` writes one line to stderr; `graceMs` is how long the run waits for writes in flight. */
export function watchInterrupts(say: (line: string) => void, graceMs: number): InterruptWatch {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received === undefined) {
      received = signal;
      say(`${signal} received: sending no new writes; waiting up to ${Math.round(graceMs / 1000)}s for those in flight (send it again to exit at once)`);
      controller.abort(signal);
      return;
    }
    // Written synchronously: nothing after this line runs. The journal holds every outcome
    // reported so far (each line is written as it is known); the lock of a dead process is
    // taken over by the next run on this machine.
    say(`${signal} received again: exiting at once; writes still in flight are not journaled, run \`mapsync plan\` to see the live state`);
    process.exit(exitCodeFor(signal));
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  return {
    signal: controller.signal,
    received: () => received,
    stop: () => {
      for (const s of SIGNALS) process.off(s, onSignal);
    },
  };
}

/** MAPSYNC_INTERRUPT_GRACE_MS: how long an interrupted run waits for writes in flight. */
export function graceFromEnv(env: NodeJS.ProcessEnv, fallback: number): number {
  const raw = env.MAPSYNC_INTERRUPT_GRACE_MS;
  const value = Number(raw);
  return raw !== undefined && raw !== '' && Number.isInteger(value) && value >= 0 ? value : fallback;
}
