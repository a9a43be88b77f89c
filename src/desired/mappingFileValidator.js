// The mapping-file schema validator. `npm run build` writes the real one into dist/: ajv's
// standalone code generated from the schema (scripts/compileSchema.mjs), so that no command pays
// for loading ajv's compiler and compiling the schema at every start. This file is plain
// JavaScript on purpose: tsc does not emit it (types: mappingFileValidator.d.ts), so a later
// `npx tsc` never overwrites the generated module. It is the fallback for code run straight from
// src/ (tests): it compiles the same schema with the same options (schemaOptions.ts) when first
// imported, and reports the same errors (test/desired/schemaStandalone.test.ts compares them).
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { AJV_OPTIONS, SCHEMA_FORMATS, SCHEMA_URL } from './schemaOptions.js';

// ajv-formats is CommonJS: under Node's ESM interop its function is the module itself.
const addFormats = addFormatsModule.default ?? addFormatsModule;

function compile() {
  const ajv = new Ajv2020({ ...AJV_OPTIONS });
  addFormats(ajv, SCHEMA_FORMATS);
  return ajv.compile(JSON.parse(readFileSync(SCHEMA_URL, 'utf8')));
}

/** The build's standalone module says true; tells a test which of the two it has. */
export const standalone = false;
export const validate = compile();
