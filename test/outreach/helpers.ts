// Shared set-up for the Outreach tests: users with valid CRM IDs, and a store context that
// records what mapsync logs.
import { checksumSuffix } from '../../dist/crm/salesforceId.js';
import type { FakeUser } from '../fakes/outreachServer.js';

/** A valid canonical 18-character User ID for a number. */
export function crmId(n: number): string {
  const id15 = `005A${String(n).padStart(11, '0')}`;
  return id15 + checksumSuffix(id15);
}

export function makeUsers(count: number, mapped: (id: number) => string | null = () => null): FakeUser[] {
  const users: FakeUser[] = [];
  for (let id = 1; id <= count; id++) {
    users.push({ id, firstName: `First${id}`, lastName: `Last${id}`, email: `user${id}@example.com`, locked: false, custom1: mapped(id) });
  }
  return users;
}

export interface Captured {
  lines: string[];
  log: { info(m: string): void; warn(m: string): void; debug(m: string): void };
}

export function captureLog(): Captured {
  const lines: string[] = [];
  return { lines, log: { info: (m) => lines.push(m), warn: (m) => lines.push(`warning: ${m}`), debug: () => undefined } };
}
