// A systemuserid in its canonical form (lower case, 36 characters, no braces).
// Temporary: replaced by src/crm/dynamics.ts (canonicalGuid) once the CRM ID rules are on main.
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function canonicalSystemUserId(raw: string): string | undefined {
  const bare = raw.startsWith('{') && raw.endsWith('}') ? raw.slice(1, -1) : raw;
  const lower = bare.toLowerCase();
  return GUID.test(lower) ? lower : undefined;
}
