// Chooses a store from its spec ("file:PATH", "salesforce", "outreach", "plugin-export:PATH", …).
import { MapsyncError } from '../errors.js';
import { withSharedLock } from './sharedLock.js';
import type { MappingStore, StoreContext, StoreFactory } from './store.js';

// Loaded lazily so `validate` never pays for jsforce or the HTTP clients.
const factories: Record<string, () => Promise<StoreFactory>> = {
  file: async () => (await import('./fileStore.js')).createFileStore,
  salesforce: async () => (await import('./salesforceStore.js')).createSalesforceStore,
  outreach: async () => (await import('./outreachStore.js')).createOutreachStore,
  dynamics: async () => (await import('./dynamicsStore.js')).createDynamicsStore,
  'plugin-share': async () => (await import('./pluginShareStore.js')).createPluginShareStore,
  'plugin-export': async () => (await import('./pluginExportStore.js')).createPluginExportStore,
};

/** Stores whose spec carries a path. */
const PATH_STORES = new Set(['file', 'plugin-export']);

export function parseStoreSpec(spec: string): { kind: string; argument: string | undefined } {
  const colon = spec.indexOf(':');
  return colon < 0 ? { kind: spec, argument: undefined } : { kind: spec.slice(0, colon), argument: spec.slice(colon + 1) };
}

/** The factory of the store `spec` names, loaded; undefined for an unknown store. */
export async function factoryFor(spec: string): Promise<StoreFactory | undefined> {
  return factories[parseStoreSpec(spec).kind]?.();
}

export async function openStore(spec: string, context: StoreContext): Promise<MappingStore> {
  const { kind, argument } = parseStoreSpec(spec);
  const load = factories[kind];
  if (!load) {
    throw new MapsyncError(`unknown store "${spec}"`, { code: 'unknown-store', hint: `use one of: ${Object.keys(factories).map((k) => (PATH_STORES.has(k) ? `${k}:PATH` : k)).join(', ')}` });
  }
  const store = await (await load())(argument, context);
  // The file store is one file on one machine; the remote stores are shared by every machine.
  // A read-only store never writes, so it needs no lease.
  return kind === 'file' || store.readOnly ? store : withSharedLock(store, context);
}
