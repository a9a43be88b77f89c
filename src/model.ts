// The nouns of mapsync. Types only: behaviour lives next to the code that owns it.

/**
 * A canonical CRM user ID, as the configured CRM's rules make it (src/crm/): the 18-character
 * Salesforce User ID, or the lower-case 36-character Dynamics systemuserid GUID.
 */
export type CrmUserId = string;
/** An Outreach user id (integer >= 1). */
export type OutreachUserId = number;

/** Where something was written, relative to the working directory; 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** One entry of mappings/*.yaml, after validation. */
export interface DesiredMapping {
  crmUserId: CrmUserId;
  outreachUserId: OutreachUserId;
  name?: string;
  email?: string;
  note?: string;
  location: SourceLocation;
}

export interface DesiredState {
  /** Files read, relative to the working directory, sorted. */
  files: string[];
  mappings: DesiredMapping[];
}

/** One mapping as the live store holds it. Names are filled in where the store or a directory knows them. */
export interface LiveMapping {
  crmUserId: CrmUserId;
  outreachUserId: OutreachUserId;
  crmUserName?: string;
  outreachUserName?: string;
}

export interface LiveState {
  mappings: LiveMapping[];
  /** Problems found while reading the store (e.g. a field value that is not a valid id). */
  warnings: Warning[];
  /**
   * How fresh the list is, for stores that lag the thing they mirror (the plugin share, §12):
   * an ISO 8601 UTC time ("2026-11-30T08:15:00.000Z"). Absent where the store is the truth.
   */
  asOf?: string;
}

export interface RemoveChange {
  action: 'remove';
  crmUserId: CrmUserId;
  outreachUserId: OutreachUserId;
  crmUserName?: string;
  outreachUserName?: string;
  /**
   * Read-only plans only (§12): the YAML `name` mappings/ gives this CRM user on another entry
   * (e.g. the pair that stays when the plugin's list maps the user twice), for a CRM user no
   * directory named. The checklist's search names the user by it, marked as the YAML's.
   */
  yamlName?: { name: string; file: string; line: number };
}

export interface AddChange {
  action: 'add';
  crmUserId: CrmUserId;
  outreachUserId: OutreachUserId;
  /** The names the directories (or the live store) give the two users, when they know them. */
  crmUserName?: string;
  outreachUserName?: string;
  /** The YAML `name`: what the author claims; shown beside the directories' names where it differs. */
  name?: string;
  file: string;
  line: number;
}

export type Change = RemoveChange | AddChange;

export type WarningCode =
  | 'name-mismatch'
  | 'crm-user-inactive'
  | 'outreach-user-locked'
  | 'live-duplicate'
  | 'unsafe-removals'
  /** A store field holds something that is not a valid id; it is not taken as a mapping. */
  | 'live-invalid-value'
  /** A read-only store's CRM user ID failed its checksum and was read by its letter case repaired (§12): check it is the user meant. */
  | 'live-id-repaired';

export interface Warning {
  code: WarningCode;
  message: string;
  crmUserId?: CrmUserId;
  outreachUserId?: OutreachUserId;
}

export type PlanErrorCode = 'unknown-crm-user' | 'unknown-outreach-user';

/** A problem that makes the plan unusable (exit 1); it points at the YAML that caused it. */
export interface PlanError {
  code: PlanErrorCode;
  message: string;
  file: string;
  line: number;
  column: number;
}

export interface PlanSummary {
  /** Counts of `changes` by action: every removal is counted here, also those inside a replace. */
  add: number;
  remove: number;
  /** Remove + add pairs that share a CRM user or an Outreach user, shown (and headlined) as one replace. */
  replace: number;
  unchanged: number;
}

export type PlanNoteCode = 'crm-checks-skipped';

/** Something a reader should know once about the whole plan (not per mapping), e.g. a check not made. */
export interface PlanNote {
  code: PlanNoteCode;
  message: string;
}

/** The saved-plan format (CONTRACT §3). Plain data: saved, rendered, compared, applied later. */
export interface Plan {
  formatVersion: 1;
  store: string;
  /**
   * Set when the store only reads (the CRM plugin's own list, §12): nothing applies this plan; its
   * changes are the clicks an admin makes in the plugin screen. Absent for every other store.
   */
  readOnly?: true;
  /** How fresh the live list was (LiveState.asOf), ISO 8601 UTC; absent where the store is the truth. */
  asOf?: string;
  liveFingerprint: string;
  desiredFingerprint: string;
  summary: PlanSummary;
  /** All removes, then all adds; each group sorted by crmUserId, then outreachUserId. */
  changes: Change[];
  warnings: Warning[];
  /** Present and non-empty only when the plan cannot be applied. */
  errors?: PlanError[];
  /** Present and non-empty only when something is worth saying once about the whole plan. */
  notes?: PlanNote[];
}

/** What a store reports for one change it was asked to make. */
export interface ChangeResult {
  change: Change;
  ok: boolean;
  /** Why it failed, in the store's words (never a credential). */
  error?: string;
}

/** One file edit in the mappings folder, as `suggest --write` makes it and `drift --github-pr` commits it. */
export interface FileChange {
  /** Relative to the repository root. */
  path: string;
  /** The text the checkout had (undefined: the file is new). */
  before: string | undefined;
  after: string;
}

/** A CRM user as a directory knows it. */
export interface CrmUser {
  /** Canonical CRM user ID (see CrmUserId). */
  id: CrmUserId;
  name: string;
  email?: string;
  active: boolean;
}

/** An Outreach user as a directory knows it. */
export interface OutreachUser {
  id: OutreachUserId;
  name: string;
  email?: string;
  locked: boolean;
}
