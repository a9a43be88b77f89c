// The one JSON Schema (schema/user-mappings.schema.json), compiled by the build with ajv
// (dist/desired/mappingFileValidator.js), and its errors turned into sentences an admin can act on.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { closestKey } from '../closestKey.js';
import { validate } from './mappingFileValidator.js';

export { closestKey };
import { DEFAULT_CRM_RULES, type CrmIdRules } from '../crm/index.js';

export { SCHEMA_URL } from './schemaOptions.js';
export const ENTRY_KEYS = ['crmUserId', 'outreachUserId', 'name', 'email', 'note'] as const;
const TOP_KEYS = ['mappings'] as const;

export function schemaValidator(): ValidateFunction {
  return validate;
}

/** Where a schema error points: at a key (unknown keys), the value, or the entry that lacks a key. */
export interface SchemaMessage {
  pointer: string;
  target: 'key' | 'value';
  key?: string;
  /** For unknown keys: the allowed key it most likely meant. */
  suggestion?: string;
  message: string;
  hint?: string;
}

/**
 * Turns one ajv error into a message. `sourceOf` gives the text as written at a pointer, so the
 * message quotes the file ("got 42.0"), not a re-typed value. Returns undefined for errors that
 * another check reports better (crmUserId's pattern: the CRM's ID checks say what is wrong, and
 * enforce the configured CRM where the schema accepts both). `crm` words the hints.
 */
export function describeSchemaError(error: ErrorObject, sourceOf: (pointer: string) => string | undefined, crm: CrmIdRules = DEFAULT_CRM_RULES): SchemaMessage | undefined {
  const pointer = error.instancePath;
  const segments = pointer.split('/').slice(1).map(unescapePointer);
  const field = segments[segments.length - 1] ?? '';
  const inEntry = segments.length >= 2 && segments[0] === 'mappings';
  const got = () => sourceOf(pointer) ?? JSON.stringify(error.data);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const allowed: readonly string[] = inEntry ? ENTRY_KEYS : TOP_KEYS;
      const guess = closestKey(key, allowed);
      return {
        pointer: `${pointer}/${escapePointer(key)}`,
        target: 'key',
        key,
        suggestion: guess,
        message: guess ? `unknown key "${key}" — did you mean ${guess}?` : `unknown key "${key}"`,
        hint: `allowed keys ${inEntry ? 'in a mapping' : 'at the top of the file'}: ${allowed.join(', ')}`,
      };
    }
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      if (!inEntry) {
        return { pointer, target: 'value', message: 'missing the top-level "mappings:" list', hint: 'a mapping file looks like "mappings:" followed by "- crmUserId: …" entries' };
      }
      return { pointer, target: 'value', message: `mapping lacks ${missing}`, hint: missing === 'crmUserId' ? `add ${crm.idExample}` : 'add the Outreach user id (a whole number)' };
    }
    case 'type': {
      if (field === 'crmUserId') {
        if (error.data === null) return { pointer, target: 'value', message: 'crmUserId is empty', hint: `write ${crm.idExample}` };
        // `{3F2504E0-…}` copied from Dynamics without quotes is a YAML flow map with one key.
        const written = sourceOf(pointer);
        if (written !== undefined && isBracedText(written)) {
          return {
            pointer,
            target: 'value',
            message: `crmUserId ${written} was read as a YAML map because of its braces`,
            hint: `put it in quotes (crmUserId: "${written}") or leave the braces out`,
          };
        }
        return { pointer, target: 'value', message: `crmUserId must be a single ID, got ${shapeOf(error.data)}` };
      }
      if (field === 'outreachUserId' && error.data === null) {
        return { pointer, target: 'value', message: 'outreachUserId is empty', hint: 'write the Outreach user id, a whole number such as 42' };
      }
      if (field === 'outreachUserId') {
        const written = got();
        const tooBig = /^[0-9]+$/.test(written) && !Number.isSafeInteger(Number(written));
        return {
          pointer,
          target: 'value',
          message: tooBig ? `outreachUserId ${written} is too large to be an Outreach user id` : `outreachUserId must be a whole number written in digits, got ${written || 'nothing'}`,
          hint: 'write it like 42: no quotes, no decimal point, no exponent, no leading zeros',
        };
      }
      if (segments.length === 0) return { pointer, target: 'value', message: `the file must be a map with a "mappings:" list, got ${shapeOf(error.data)}` };
      if (segments.length === 1 && field === 'mappings') return { pointer, target: 'value', message: `"mappings" must be a list of entries, got ${shapeOf(error.data)}`, hint: 'write "mappings: []" for an empty file' };
      if (segments.length === 2 && inEntry) return { pointer, target: 'value', message: `each entry of mappings must be a map with crmUserId and outreachUserId, got ${shapeOf(error.data)}` };
      return { pointer, target: 'value', message: `${field} must be text, got ${shapeOf(error.data)}` };
    }
    case 'minimum':
      return { pointer, target: 'value', message: `${field} must be at least 1, got ${got()}` };
    case 'minLength':
      return { pointer, target: 'value', message: `${field} is empty`, hint: `write a value or remove the ${field} key` };
    case 'format':
      return { pointer, target: 'value', message: `${field} ${JSON.stringify(error.data)} is not a valid email address` };
    case 'pattern':
      if (field === 'crmUserId') return undefined;
      return { pointer, target: 'value', message: `${field} ${error.message ?? 'is invalid'}` };
    default:
      return { pointer, target: 'value', message: `${field || 'file'} ${error.message ?? 'is invalid'}` };
  }
}

/** `{text}` written without quotes (YAML reads it as a map with one key and no value). */
function isBracedText(written: string): boolean {
  return /^\{[^{}:,\s"']+\}$/.test(written);
}

function shapeOf(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `text ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

export function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
