// Suggestions are plain data, like a Plan: what to change in mappings/, why, and where. Making
// the edits is a separate step (write.ts); rendering is another (render.ts).
import type { CrmUser, OutreachUser } from '../directories/directory.js';
import type { CrmUserId, OutreachUserId } from '../model.js';

/** CONTRACT §7: the four rules. */
export type SuggestionReason = 'new-seat' | 'crm-user-replaced' | 'seat-repurposed' | 'user-gone';

export interface Suggestion {
  action: 'add' | 'replace' | 'remove';
  reason: SuggestionReason;
  /** The CRM user of the resulting pair (for a remove: of the pair removed). */
  crmUserId: CrmUserId;
  outreachUserId: OutreachUserId;
  /** replace only: the CRM user the entry names today. */
  previousCrmUserId?: CrmUserId;
  /** The entry edited (replace, remove); for an add, the file it goes to. */
  file?: string;
  line?: number;
  /** The users as the directories know them, for the reasons people read. */
  crmUser: CrmUser;
  outreachUser: OutreachUser;
  previousCrmUser?: CrmUser;
  /** Which pass of the rules found it: a later pass builds on the edits of the earlier ones. */
  pass: number;
}

/** Why something was left for a person (never edited). */
export type UnresolvedReason =
  | 'no-email'
  | 'email-shared'
  | 'locked-seat-active-crm-user'
  | 'crm-user-missing'
  | 'outreach-user-missing'
  | 'only-inactive-crm-users'
  | 'no-active-candidate'
  | 'candidate-mapped-elsewhere'
  | 'names-differ-email-matches';

export interface Unresolved {
  reason: UnresolvedReason;
  crmUserId?: CrmUserId;
  outreachUserId?: OutreachUserId;
  file?: string;
  line?: number;
  /** One sentence for people: what was seen, naming the users involved. */
  detail: string;
}

export interface SuggestionSet {
  suggestions: Suggestion[];
  unresolved: Unresolved[];
  /** Where the directories came from, e.g. "Salesforce" and "Outreach". */
  sources: { crm: string; outreach: string };
}
