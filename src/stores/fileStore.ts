// Placeholder until the owning issue lands.
import { MapsyncError } from '../errors.js';
import type { StoreFactory } from './store.js';

export const createFileStore: StoreFactory = async () => {
  throw new MapsyncError('the file store is not built yet');
};
