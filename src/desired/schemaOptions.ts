// How the one JSON Schema (schema/user-mappings.schema.json) is compiled, in one place for both
// compilers: the build's (scripts/compileSchema.mjs writes ajv's standalone validator into
// dist/desired/mappingFileValidator.js) and the fallback that compiles at run time
// (mappingFileValidator.js, for code run straight from src/). The same options give the same
// errors, word for word.
export const SCHEMA_URL = new URL('../../schema/user-mappings.schema.json', import.meta.url);
export const AJV_OPTIONS = { allErrors: true, verbose: true, strict: true } as const;
/** The ajv-formats formats the schema uses. */
export const SCHEMA_FORMATS = ['email'];
