// Ports: what a store or client needs from the outside world, as small interfaces on the ground
// floor. The command layer (cli/) passes implementations in through StoreContext.ports; today they
// are GitHub's (github/ports.ts), but a store never knows that — it can be tested, reused and read
// without GitHub in its head. A missing port means "not available here", never an error.

/** Releases a held lease. */
export type ReleaseLease = () => Promise<void>;

/** A lock on a store that every machine sees (CI runners, an admin's laptop). */
export interface LeasePort {
  /**
   * Takes the lease on the store named `storeSpec`. Resolves to its release, or to undefined when
   * no lease can be shared from here (the port has said why in one line). Throws when another
   * holder has it. `onLost` is called later, from a timer, if the lease is taken over while held.
   */
  acquire(storeSpec: string, onLost: (message: string) => void): Promise<ReleaseLease | undefined>;
}

/** Somewhere beyond this machine to keep a credential for the next run (e.g. a rotated refresh token). */
export interface SecretKeeper {
  /** Where `name` is kept, for messages, e.g. "the Actions secret X of owner/repo". */
  describe(name: string): string;
  /** Keeps `value` under `name`; when it cannot, throws a SecretNotKept saying why and what to do. */
  keep(name: string, value: string): Promise<void>;
}

/** Why a SecretKeeper could not keep a value (`message`), and what the admin can do about it (`hint`). */
export class SecretNotKept extends Error {
  constructor(message: string, readonly hint: string) {
    super(message);
    this.name = 'SecretNotKept';
  }
}

export interface Ports {
  lease?: LeasePort;
  /**
   * Looked up when a client reads its settings (not when the command starts), so a misconfigured
   * keeper fails only the commands that would use it. Undefined: nowhere beyond this machine.
   */
  secretKeeper?(): SecretKeeper | undefined;
}
