// Placeholder until the owning issue lands.
import { MapsyncError } from '../errors.js';
import type { StoreFactory } from './store.js';

export const createOutreachStore: StoreFactory = async () => {
  throw new MapsyncError('the outreach store is not built yet');
};
