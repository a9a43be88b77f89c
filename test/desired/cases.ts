// Bad mapping files, one problem each: what validate must report, and exactly where.
import { to18 } from '../../src/crm/salesforceId.js';

/** A valid 18-character User ID, distinct per n (all digits, so the checksum is AAA). */
export function id(n: number): string {
  return to18(`005${String(n).padStart(12, '0')}`);
}

/** A valid ID with letters (the checksum is not trivial). */
export const MIXED15 = '005Hs00000ABcDe';
export const MIXED18 = to18(MIXED15);

export interface BadCase {
  name: string;
  /** File content; or bytes for encoding cases. */
  content: string | Buffer;
  code: string;
  line: number;
  column: number;
  /** A fragment the message must contain. */
  says?: string;
}

/** The ID with the letters at the given positions in the other case. */
export function flipCase(id: string, positions: number[]): string {
  return [...id].map((c, i) => (positions.includes(i) ? (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) : c)).join('');
}

const entry = (n: number, extra = '') => `  - crmUserId: ${id(n)}\n    outreachUserId: ${1000 + n}\n${extra}`;

export function badCases(): BadCase[] {
  return [
    { name: 'typo crmUserID', content: `mappings:\n  - crmUserID: ${id(1)}\n    outreachUserId: 1001\n`, code: 'schema', line: 2, column: 5, says: 'did you mean crmUserId?' },
    { name: 'typo outreachUserID', content: `mappings:\n  - crmUserId: ${id(2)}\n    outreachUserID: 1002\n`, code: 'schema', line: 3, column: 5, says: 'did you mean outreachUserId?' },
    { name: 'typo in optional key emial', content: `mappings:\n${entry(3, '    emial: a@example.com\n')}`, code: 'schema', line: 4, column: 5, says: 'did you mean email?' },
    { name: 'unknown key team', content: `mappings:\n${entry(4, '    team: emea\n')}`, code: 'schema', line: 4, column: 5, says: 'unknown key "team"' },
    { name: 'typo top-level mapping:', content: `mapping:\n${entry(5)}`, code: 'schema', line: 1, column: 1, says: 'did you mean mappings?' },
    { name: 'missing outreachUserId', content: `mappings:\n  - crmUserId: ${id(6)}\n    name: Ada\n`, code: 'schema', line: 2, column: 5, says: 'lacks outreachUserId' },
    { name: 'missing crmUserId', content: `mappings:\n  - outreachUserId: 1007\n    name: Ada\n`, code: 'schema', line: 2, column: 5, says: 'lacks crmUserId' },
    { name: 'outreachUserId 42.0', content: `mappings:\n  - crmUserId: ${id(8)}\n    outreachUserId: 42.0\n`, code: 'schema', line: 3, column: 21, says: 'got 42.0' },
    { name: 'outreachUserId quoted', content: `mappings:\n  - crmUserId: ${id(9)}\n    outreachUserId: "1009"\n`, code: 'schema', line: 3, column: 21, says: 'got "1009"' },
    { name: 'outreachUserId 0', content: `mappings:\n  - crmUserId: ${id(10)}\n    outreachUserId: 0\n`, code: 'schema', line: 3, column: 21, says: 'at least 1' },
    { name: 'outreachUserId negative', content: `mappings:\n  - crmUserId: ${id(11)}\n    outreachUserId: -5\n`, code: 'schema', line: 3, column: 21, says: 'got -5' },
    { name: 'outreachUserId exponent', content: `mappings:\n  - crmUserId: ${id(12)}\n    outreachUserId: 4.2e1\n`, code: 'schema', line: 3, column: 21, says: 'got 4.2e1' },
    { name: 'outreachUserId hex', content: `mappings:\n  - crmUserId: ${id(13)}\n    outreachUserId: 0x2A\n`, code: 'schema', line: 3, column: 21, says: 'got 0x2A' },
    { name: 'outreachUserId leading zero', content: `mappings:\n  - crmUserId: ${id(14)}\n    outreachUserId: 042\n`, code: 'schema', line: 3, column: 21, says: 'got 042' },
    { name: 'outreachUserId too large', content: `mappings:\n  - crmUserId: ${id(15)}\n    outreachUserId: 99999999999999999999\n`, code: 'schema', line: 3, column: 21, says: 'too large' },
    { name: 'outreachUserId empty', content: `mappings:\n  - crmUserId: ${id(16)}\n    outreachUserId:\n    name: X\n`, code: 'schema', line: 3, column: 5, says: 'outreachUserId is empty' },
    { name: 'invalid email', content: `mappings:\n${entry(17, '    email: not-an-address\n')}`, code: 'schema', line: 4, column: 12, says: 'not a valid email' },
    { name: 'empty name', content: `mappings:\n${entry(18, '    name: ""\n')}`, code: 'schema', line: 4, column: 11, says: 'name is empty' },
    { name: 'note is a list', content: `mappings:\n${entry(19, '    note: [a, b]\n')}`, code: 'schema', line: 4, column: 11, says: 'note must be text' },
    { name: 'mappings is a map', content: 'mappings: {}\n', code: 'schema', line: 1, column: 11, says: 'must be a list' },
    { name: 'entry is text', content: 'mappings:\n  - just a name\n', code: 'schema', line: 2, column: 5, says: 'must be a map' },
    { name: 'file is a list', content: '- a\n- b\n', code: 'schema', line: 1, column: 1, says: 'must be a map' },
    { name: 'empty file', content: '', code: 'file-invalid', line: 1, column: 1, says: 'file is empty' },
    { name: 'comments only', content: '# yaml-language-server: $schema=../schema/user-mappings.schema.json\n# nothing yet\n', code: 'file-invalid', line: 1, column: 1, says: 'file is empty' },
    { name: 'crmUserId 16 characters', content: `mappings:\n  - crmUserId: 005Hs00000ABcDeX\n    outreachUserId: 1025\n`, code: 'crm-id-format', line: 2, column: 16, says: 'got 16 characters' },
    { name: 'crmUserId with a dash', content: `mappings:\n  - crmUserId: 005Hs00000AB-De\n    outreachUserId: 1026\n`, code: 'crm-id-format', line: 2, column: 16 },
    { name: 'crmUserId digits that YAML reads as a number (too short)', content: `mappings:\n  - crmUserId: 5000000000001\n    outreachUserId: 1027\n`, code: 'crm-id-format', line: 2, column: 16, says: '"5000000000001"' },
    { name: 'crmUserId of an Account (001)', content: `mappings:\n  - crmUserId: 001Hs00000ABcDe\n    outreachUserId: 1028\n`, code: 'crm-id-prefix', line: 2, column: 16, says: 'start with 005' },
    // "BAA" marks the first character (a digit) as upper case: no casing fits, the suffix is wrong.
    { name: 'crmUserId wrong checksum', content: `mappings:\n  - crmUserId: ${MIXED15}BAA\n    outreachUserId: 1029\n`, code: 'crm-id-checksum', line: 2, column: 16, says: `should be ${MIXED18.slice(15)} for ${MIXED15}` },
    { name: 'crmUserId with some letters case-flipped', content: `mappings:\n  - crmUserId: ${flipCase(MIXED18, [3, 11])}\n    outreachUserId: 1048\n`, code: 'crm-id-checksum', line: 2, column: 16, says: `did you mean ${MIXED18}?` },
    { name: 'crmUserId lower-cased by a spreadsheet', content: `mappings:\n  - crmUserId: ${MIXED18.toLowerCase()}\n    outreachUserId: 1030\n`, code: 'crm-id-checksum', line: 2, column: 16, says: `did you mean ${MIXED18}?` },
    { name: 'crmUserId quoted with the wrong checksum', content: `mappings:\n  - crmUserId: "005000000000031AAB"\n    outreachUserId: 1031\n`, code: 'crm-id-checksum', line: 2, column: 16 },
    { name: 'crmUserId empty', content: `mappings:\n  - crmUserId:\n    outreachUserId: 1032\n`, code: 'schema', line: 2, column: 5, says: 'crmUserId is empty' },
    { name: 'crmUserId is a map', content: `mappings:\n  - crmUserId: {id: 1}\n    outreachUserId: 1033\n`, code: 'schema', line: 2, column: 16, says: 'single ID' },
    { name: 'crmUserId through an alias', content: `mappings:\n  - crmUserId: &who ${id(34)}\n    outreachUserId: 1034\n  - crmUserId: *who\n    outreachUserId: 2034\n`, code: 'file-invalid', line: 4, column: 16, says: 'alias' },
    { name: 'outreachUserId through an alias', content: `mappings:\n  - crmUserId: ${id(35)}\n    outreachUserId: &n 1035\n  - crmUserId: ${id(135)}\n    outreachUserId: *n\n`, code: 'file-invalid', line: 5, column: 21, says: 'alias' },
    { name: 'entry through an alias', content: `mappings:\n  - &first\n    crmUserId: 005000000000047\n    outreachUserId: 1047\n  - *first\n`, code: 'file-invalid', line: 5, column: 5, says: 'entry is an alias (*first)' },
    { name: 'mappings list through an alias', content: `mappings: *list\n`, code: 'file-invalid', line: 1, column: 11, says: 'mappings list is an alias' },
    { name: 'alias to no anchor', content: `mappings:\n${entry(36, '    note: *nothing\n')}`, code: 'file-invalid', line: 4, column: 11, says: 'no anchor' },
    { name: 'billion laughs', content: billionLaughs(), code: 'file-invalid', line: 3, column: 32, says: 'refusing' },
    { name: 'unclosed quote', content: `mappings:\n  - crmUserId: "${id(38)}\n    outreachUserId: 1038\n`, code: 'yaml-syntax', line: 2, column: 16, says: 'this quote is never closed' },
    { name: 'tab indentation', content: `mappings:\n\t- crmUserId: ${id(39)}\n`, code: 'yaml-syntax', line: 2, column: 1 },
    { name: 'unclosed flow sequence', content: `mappings: [\n  {crmUserId: ${id(40)}, outreachUserId: 1040}\n`, code: 'yaml-syntax', line: 1, column: 11, says: 'this "[" is never closed' },
    { name: 'duplicate key in one entry', content: `mappings:\n  - crmUserId: ${id(41)}\n    crmUserId: ${id(141)}\n    outreachUserId: 1041\n`, code: 'yaml-duplicate-key', line: 3, column: 5, says: '"crmUserId"' },
    { name: 'two documents', content: `mappings:\n${entry(42)}---\nmappings: []\n`, code: 'file-invalid', line: 4, column: 1, says: 'several YAML documents' },
    { name: 'invalid UTF-8', content: Buffer.concat([Buffer.from(`mappings:\n${entry(43)}    name: Jos`), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]), code: 'file-invalid', line: 4, column: 14, says: 'not valid UTF-8' },
    { name: 'duplicate Outreach user in one file', content: `mappings:\n${entry(44)}  - crmUserId: ${id(144)}\n    outreachUserId: 1044\n`, code: 'duplicate-outreach-id', line: 5, column: 21, says: 'outreachUserId 1044 is mapped 2 times' },
    { name: 'same CRM user as 15 and 18 characters', content: `mappings:\n  - crmUserId: ${MIXED15}\n    outreachUserId: 1045\n  - crmUserId: ${MIXED18}\n    outreachUserId: 2045\n`, code: 'duplicate-crm-id', line: 4, column: 16, says: `crmUserId ${MIXED18} is mapped 2 times` },
    { name: 'note nested absurdly deep', content: `mappings:\n${entry(46, `    note: ${'['.repeat(100)}${']'.repeat(100)}\n`)}`, code: 'file-invalid', line: 4, column: 76, says: 'nested more than 64 levels' },
    { name: 'nesting that exhausts the parser', content: `mappings: ${'['.repeat(20000)}${']'.repeat(20000)}\n`, code: 'file-invalid', line: 1, column: 1, says: 'nested too deeply' },
  ];
}

/** Each level multiplies by ten: 10^9 strings if expanded naively. */
function billionLaughs(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = 'abcdefghi';
  for (let i = 1; i < names.length; i++) {
    const prev = `*${names[i - 1]}`;
    lines.push(`${names[i]}: &${names[i]} [${Array(10).fill(prev).join(',')}]`);
  }
  lines.push(`mappings:\n  - crmUserId: ${id(37)}\n    outreachUserId: 1037\n    note: *i`);
  return lines.join('\n') + '\n';
}
