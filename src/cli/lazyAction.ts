// commander's action for a command whose code is imported only when that command runs, so that
// `mapsync validate` never loads what `plan` or `apply` need (the GitHub client, the store
// clients, the diff library…). The `load` callbacks use static specifiers
// (`import('./actions/validate.js')`) so that a bundler can still follow them.
import type { CommandRunner } from './action.js';

export function lazyAction<O>(load: () => Promise<CommandRunner<O>>) {
  return async (...received: unknown[]): Promise<void> => {
    const [{ action }, runner] = await Promise.all([import('./action.js'), load()]);
    await action(runner)(...received);
  };
}
