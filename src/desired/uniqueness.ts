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
  private readonly crm = new Map<string, Seen[]>();
  private readonly outreach = new Map<number, Seen[]>();

  constructor(private readonly rules: CrmIdRules) {}

  add(entry: EntryIds): void {
    if (entry.crmUserId !== undefined) remember(this.crm, entry.crmUserId, { at: entry.crmAt, written: entry.crmWritten });
    if (entry.outreachUserId !== undefined) remember(this.outreach, entry.outreachUserId, { at: entry.outreachAt });
  }

  /** One error per extra occurrence (the first one is not an error), each naming every place. */
  errors(): ValidationError[] {
    const errors: ValidationError[] = [];
    for (const [id, places] of this.crm) {
      if (places.length < 2) continue;
      const same = this.rules.sameUserNote(places.flatMap((p) => (p.written === undefined ? [] : [p.written])));
      const note = same === undefined ? '' : ` (${same})`;
      errors.push(...extraOccurrences(places, 'duplicate-crm-id', `crmUserId ${id} is mapped ${places.length} times${note}: ${listed(places)}`,
        `a ${this.rules.product} user can be mapped to one Outreach user only; keep one entry`));
    }
    for (const [id, places] of this.outreach) {
      if (places.length < 2) continue;
      errors.push(...extraOccurrences(places, 'duplicate-outreach-id', `outreachUserId ${id} is mapped ${places.length} times: ${listed(places)}`,
        `an Outreach user can be mapped to one ${this.rules.product} user only; keep one entry`));
    }
    return errors;
  }
}

function remember<K>(seen: Map<K, Seen[]>, key: K, where: Seen): void {
  const list = seen.get(key);
  if (list) list.push(where);
  else seen.set(key, [where]);
}

function listed(places: Seen[]): string {
  return places.map((p) => `${p.at.file}:${p.at.line}`).join(', ');
}

function extraOccurrences(places: Seen[], code: 'duplicate-crm-id' | 'duplicate-outreach-id', message: string, hint: string): ValidationError[] {
  return places.slice(1).map(({ at }) => ({ file: at.file, line: at.line, column: at.column, code, message, hint }));
}
