// Placeholder until the owning issue lands.
import { MapsyncError } from '../errors.js';
import type { StoreFactory } from './store.js';

export const createSalesforceStore: StoreFactory = async () => {
  throw new MapsyncError('the salesforce store is not built yet');
};
