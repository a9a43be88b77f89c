// The JWT's default audience (CONTRACT §9): sandboxes log in at test.salesforce.com, everything
// else — production, My Domain, a developer org — at login.salesforce.com. A wrong audience is
// the most common JWT failure after a sandbox refresh, so the rule is pinned here host by host.
import { describe, expect, it } from 'vitest';
import { defaultAudience } from '../../src/salesforce/jwt.js';

describe('default JWT audience', () => {
  const cases: [string, string][] = [
    ['https://test.salesforce.com', 'https://test.salesforce.com'],
    ['https://TEST.salesforce.com/', 'https://test.salesforce.com'],
    ['https://acme--uat.sandbox.my.salesforce.com', 'https://test.salesforce.com'],
    ['https://login.salesforce.com', 'https://login.salesforce.com'],
    ['https://acme.my.salesforce.com', 'https://login.salesforce.com'],
    ['https://acme-dev-ed.develop.my.salesforce.com', 'https://login.salesforce.com'],
    // Only the host decides: a path or a look-alike domain does not make a sandbox.
    ['https://acme.my.salesforce.com/test.salesforce.com', 'https://login.salesforce.com'],
    ['https://sandbox.my.salesforce.com.example.com', 'https://login.salesforce.com'],
  ];
  for (const [loginUrl, audience] of cases) {
    it(`${loginUrl} → ${audience}`, () => expect(defaultAudience(loginUrl)).toBe(audience));
  }
});
