// Uniqueness across all files, on the canonical IDs: a CRM user, and an Outreach user, is mapped
// at most once, whichever form of its ID each entry wrote.
import type { CrmIdRules } from '../crm/index.js';
import type { SourceLocation } from '../model.js';
import type { ValidationError } from './validationError.js';

/** The IDs one entry holds, where they are written, and (for the CRM ID) how. */
export interface EntryIds {
  crmUserId?: string;
  crmWritten?: string;
  crmAt: SourceLocation;
  outreachUserId?: number;
  outreachAt: SourceLocation;
}

interface Seen {
  at: SourceLocation;
  written?: string;
}

export class UniquenessCheck {
  // The first entry holding each ID, and the later ones only for IDs seen again: at 100,000
  // entries, a list per ID would be 100,000 short-lived arrays for the few duplicates there are.
  private readonly crm = new Map<string, EntryIds>();
  private readonly crmAgain = new Map<string, EntryIds[]>();
  private readonly outreach = new Map<number, EntryIds>();
  private readonly outreachAgain = new Map<number, EntryIds[]>();

  constructor(private readonly rules: CrmIdRules) {}

  add(entry: EntryIds): void {
    if (entry.crmUserId !== undefined) remember(this.crm, this.crmAgain, entry.crmUserId, entry);
    if (entry.outreachUserId !== undefined) remember(this.outreach, this.outreachAgain, entry.outreachUserId, entry);
  }

  /** One error per extra occurrence (the first one is not an error), each naming every place. */
  errors(): ValidationError[] {
    const errors: ValidationError[] = [];
    // In the order the IDs were first seen.
    for (const [id, first] of this.crm) {
      const again = this.crmAgain.get(id);
      if (again === undefined) continue;
      const places: Seen[] = [first, ...again].map((e) => ({ at: e.crmAt, written: e.crmWritten }));
      const same = this.rules.sameUserNote(places.flatMap((p) => (p.written === undefined ? [] : [p.written])));
      const note = same === undefined ? '' : ` (${same})`;
      errors.push(...extraOccurrences(places, 'duplicate-crm-id', `crmUserId ${id} is mapped ${places.length} times${note}: ${listed(places)}`,
        `a ${this.rules.product} user can be mapped to one Outreach user only; keep one entry`));
    }
    for (const [id, first] of this.outreach) {
      const again = this.outreachAgain.get(id);
      if (again === undefined) continue;
      const places: Seen[] = [first, ...again].map((e) => ({ at: e.outreachAt }));
      errors.push(...extraOccurrences(places, 'duplicate-outreach-id', `outreachUserId ${id} is mapped ${places.length} times: ${listed(places)}`,
        `an Outreach user can be mapped to one ${this.rules.product} user only; keep one entry`));
    }
    return errors;
  }
}

function remember<K>(first: Map<K, EntryIds>, again: Map<K, EntryIds[]>, key: K, entry: EntryIds): void {
  if (!first.has(key)) {
    first.set(key, entry);
    return;
  }
  const list = again.get(key);
  if (list) list.push(entry);
  else again.set(key, [entry]);
}

function listed(places: Seen[]): string {
  return places.map((p) => `${p.at.file}:${p.at.line}`).join(', ');
}

function extraOccurrences(places: Seen[], code: 'duplicate-crm-id' | 'duplicate-outreach-id', message: string, hint: string): ValidationError[] {
  return places.slice(1).map(({ at }) => ({ file: at.file, line: at.line, column: at.column, code, message, hint }));
}
