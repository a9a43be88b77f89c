// The mapping-file schema validator. `npm run build` replaces this module in dist/ with ajv's
// standalone code generated from the schema (scripts/compileSchema.mjs), so that no command pays
// for loading ajv's compiler and compiling the schema at every start. This source is the
// fallback for code run from src/ (tests) or built with tsc alone: it compiles the same schema
// with the same options (schemaOptions.ts) when first imported, and reports the same errors.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { AJV_OPTIONS, SCHEMA_FORMATS, SCHEMA_URL } from './schemaOptions.js';

// ajv-formats is CommonJS: under Node's ESM interop its function is the module itself.
type FormatsPlugin = (ajv: Ajv2020, formats: string[]) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? addFormatsModule) as unknown as FormatsPlugin;

function compile(): ValidateFunction {
  const ajv = new Ajv2020({ ...AJV_OPTIONS });
  addFormats(ajv, SCHEMA_FORMATS);
  return ajv.compile(JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as object);
}

/** Set by the build's standalone module to true; tells a test which of the two dist/ holds. */
export const standalone = false;
export const validate: ValidateFunction = compile();
