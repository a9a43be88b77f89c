// The one interface behind which a CRM's user-ID rules live (recognise, canonicalise, repair,
// describe). The desired-state loader, the plan, the file and Outreach stores and the plan/snapshot
// readers only ever talk to a CrmIdRules; which CRM it is was decided once, from the config.

/** The CRMs mapsync knows; `crm:` in mapsync.config.yaml. */
export const CRM_NAMES = ['salesforce', 'dynamics'] as const;
export type CrmName = (typeof CRM_NAMES)[number];

export type CrmIdProblemCode = 'crm-id-format' | 'crm-id-prefix' | 'crm-id-checksum';

export interface CrmIdProblem {
  code: CrmIdProblemCode;
  /** One sentence quoting the ID as written. */
  message: string;
  /** What to do about it. */
  hint?: string;
  /** The ID the writer most likely meant (e.g. a case-mangled Salesforce ID, repaired). */
  suggestion?: string;
}

export type CrmIdCheck = { ok: true; id: string } | { ok: false; problem: CrmIdProblem };

export interface CrmIdRules {
  readonly name: CrmName;
  /** The CRM as its admins call it: "Salesforce", "Dynamics 365". */
  readonly product: string;
  /** What one user ID is called: "Salesforce User ID", "Dynamics systemuserid". */
  readonly idName: string;
  /** The canonical form, named: "18-character Salesforce User ID". */
  readonly canonicalForm: string;
  /** How to write one, for hints: "the Salesforce User ID (005…, 15 or 18 characters)". */
  readonly idExample: string;
  /** Loose shape test: could `raw` be meant as one of this CRM's user IDs (even a mistyped one)? */
  recognise(raw: string): boolean;
  /** Checks an ID as written: its canonical form, or the problem (with a hint) that stops it. */
  check(raw: string): CrmIdCheck;
  /**
   * For a duplicate written in several forms, the note that says why they are one user
   * ("its 15- and 18-character forms are the same user"); undefined when the forms say nothing new.
   */
  sameUserNote(written: readonly string[]): string | undefined;
}
