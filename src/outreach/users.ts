// Reads every Outreach user with the few attributes mapsync needs: 1,000 per page (the API's
// maximum), following links.next until it is absent. ceil(N / 1000) requests for N users.
import { MapsyncError } from '../errors.js';
import type { OutreachHttp } from './http.js';

export const PAGE_SIZE = 1000;

export interface OutreachUserRecord {
  id: number;
  name: string;
  email?: string;
  locked: boolean;
  /** The raw value of the mapping attribute (custom1 …), undefined when empty. */
  mappingValue?: string;
}

interface Resource {
  type?: unknown;
  id?: unknown;
  attributes?: Record<string, unknown>;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number') return String(v);
  return undefined;
}

export function userName(attributes: Record<string, unknown>, id: number): string {
  const full = [str(attributes.firstName), str(attributes.lastName)].filter(Boolean).join(' ');
  return full || str(attributes.name) || str(attributes.email) || `user ${id}`;
}

export function usersPath(field: string): string {
  const query = new URLSearchParams({ 'page[size]': String(PAGE_SIZE), 'fields[user]': ['firstName', 'lastName', 'email', 'locked', field].join(',') });
  return `/users?${query.toString()}`;
}

export async function fetchAllUsers(http: OutreachHttp, field: string): Promise<OutreachUserRecord[]> {
  const users: OutreachUserRecord[] = [];
  let next: string | undefined = usersPath(field);
  const seen = new Set<string>();
  while (next) {
    if (seen.has(next)) throw new MapsyncError('Outreach returned the same users page twice (links.next loops); stopping');
    seen.add(next);
    const { body } = await http.request('GET', next);
    const page = body as { data?: unknown; links?: { next?: unknown } } | undefined;
    if (!page || !Array.isArray(page.data)) throw new MapsyncError('Outreach GET /users answered without a "data" list');
    for (const resource of page.data as Resource[]) {
      const id = Number(resource.id);
      if (!Number.isInteger(id) || id < 1) continue;
      const attributes = resource.attributes ?? {};
      users.push({
        id,
        name: userName(attributes, id),
        email: str(attributes.email),
        locked: attributes.locked === true,
        mappingValue: str(attributes[field]),
      });
    }
    next = typeof page.links?.next === 'string' && page.links.next ? page.links.next : undefined;
  }
  return users;
}
