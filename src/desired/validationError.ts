// One problem found in a mapping file, located; the codes are CONTRACT §3's (validate --format json).

export type ValidationCode =
  | 'yaml-syntax'
  | 'yaml-duplicate-key'
  | 'file-invalid'
  | 'schema'
  | 'crm-id-format'
  | 'crm-id-prefix'
  | 'crm-id-checksum'
  | 'duplicate-crm-id'
  | 'duplicate-outreach-id';

export interface ValidationError {
  /** Relative to the working directory. */
  file: string;
  line: number;
  column: number;
  code: ValidationCode;
  message: string;
  hint?: string;
}
