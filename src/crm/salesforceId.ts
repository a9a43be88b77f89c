// Salesforce record IDs: 15-character case-sensitive form, 18-character form whose last three
// characters encode the letter case of the first fifteen (so the ID survives case-insensitive
// systems such as spreadsheets). mapsync uses the 18-character form everywhere.

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_CHARS = /^[A-Za-z0-9]+$/;
export const USER_ID_PREFIX = '005';

/** The three checksum characters Salesforce appends to a 15-character ID. */
export function checksumSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const ch = id15.charCodeAt(chunk * 5 + i);
      if (ch >= 65 && ch <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  return suffix;
}

export function to18(id15: string): string {
  return id15 + checksumSuffix(id15);
}

export type IdProblem =
  | { code: 'crm-id-format'; message: string }
  | { code: 'crm-id-prefix'; message: string }
  | { code: 'crm-id-checksum'; message: string; suggestion?: string };

export type IdCheck = { ok: true; id: string } | { ok: false; problem: IdProblem };

/**
 * Rebuilds the case of the first fifteen characters from an 18-character ID's suffix.
 * Returns undefined when the suffix cannot describe any casing of those characters
 * (a digit can never be upper case).
 */
export function repairCase(id18: string): string | undefined {
  const suffix = id18.slice(15).toUpperCase();
  let body = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    const bits = SUFFIX_ALPHABET.indexOf(suffix[chunk] ?? '');
    if (bits < 0) return undefined;
    for (let i = 0; i < 5; i++) {
      const ch = id18[chunk * 5 + i] ?? '';
      const upper = (bits & (1 << i)) !== 0;
      if (upper && !/[A-Za-z]/.test(ch)) return undefined;
      body += upper ? ch.toUpperCase() : ch.toLowerCase();
    }
  }
  const repaired = body + checksumSuffix(body);
  return repaired;
}

/**
 * Checks a Salesforce User ID as written and returns its canonical 18-character form.
 * Order matters for the message: format first, then prefix, then checksum.
 */
export function checkUserId(raw: string): IdCheck {
  if (!ID_CHARS.test(raw) || (raw.length !== 15 && raw.length !== 18)) {
    return {
      ok: false,
      problem: {
        code: 'crm-id-format',
        message: `"${raw}" is not a Salesforce ID: expected 15 or 18 letters and digits, got ${raw.length} characters${ID_CHARS.test(raw) || raw.length === 0 ? '' : ' including other characters'}`,
      },
    };
  }
  if (!raw.startsWith(USER_ID_PREFIX)) {
    return {
      ok: false,
      problem: {
        code: 'crm-id-prefix',
        message: `"${raw}" is not a Salesforce User ID: User IDs start with ${USER_ID_PREFIX}, this one with ${raw.slice(0, 3)}`,
      },
    };
  }
  if (raw.length === 15) return { ok: true, id: to18(raw) };
  const expected = checksumSuffix(raw.slice(0, 15));
  // Salesforce accepts the suffix in any case; the body's case is what carries meaning.
  if (raw.slice(15).toUpperCase() === expected) return { ok: true, id: raw.slice(0, 15) + expected };
  // The suffix fixes the case of every letter of the first fifteen, so whichever letters a
  // spreadsheet or a careless hand changed, the suffix rebuilds them. Only when no casing of the
  // first fifteen fits the suffix (it marks a digit as upper case) is the suffix itself to blame.
  const repaired = repairCase(raw);
  if (repaired !== undefined) {
    // A body in one case is what case-insensitive tools produce; a mixed-case body may instead
    // carry a mistyped suffix, so the message names that reading too.
    const body = raw.slice(0, 15);
    const oneCase = body === body.toLowerCase() || body === body.toUpperCase();
    const otherReading = oneCase ? '' : ` (if the letter case is right, the last three characters should be ${expected})`;
    return {
      ok: false,
      problem: {
        code: 'crm-id-checksum',
        message: `"${raw}" fails the Salesforce checksum; its letter case looks mangled — did you mean ${repaired}?${otherReading}`,
        suggestion: repaired,
      },
    };
  }
  return {
    ok: false,
    problem: {
      code: 'crm-id-checksum',
      message: `"${raw}" fails the Salesforce checksum: the last three characters should be ${expected} for ${raw.slice(0, 15)}; copy the ID again from Salesforce`,
    },
  };
}

/** Canonical 18-character form of an ID already known to be valid (15 or 18 characters). */
export function canonicalId(id: string): string {
  return id.slice(0, 15) + checksumSuffix(id.slice(0, 15));
}
