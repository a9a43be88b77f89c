// Placeholder until the foundation issue lands: the loader's public signature.
import type { DesiredState } from '../model.js';
import { MapsyncError } from '../errors.js';

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

export interface LoadResult {
  state: DesiredState;
  errors: ValidationError[];
}

/** Loads and validates every *.yaml / *.yml under `dir` (recursively). Never throws for bad content. */
export async function loadDesired(_dir: string): Promise<LoadResult> {
  throw new MapsyncError('loading mappings is not built yet');
}
