// A small org for the suggest tests: every rule of CONTRACT §7 and every doubtful case, as file
// store directories (crmUsers / outreachUsers) beside mapping files.
import { to18 } from '../../src/crm/salesforceId.js';

export const id = (n: number) => to18(`0055e${String(n).padStart(10, '0')}`);

interface Crm { n: number; name: string; email?: string; active?: boolean }
interface Seat { id: number; name: string; email?: string; locked?: boolean }

export const crmUsers: Crm[] = [
  { n: 1, name: 'Ada Lovelace', email: 'ada@example.com' },
  // seat-repurposed: Bob's seat 2 now belongs to Carla (email with case and whitespace)
  { n: 2, name: 'Bob Ng', email: 'bob@example.com' },
  { n: 4, name: 'Carla Diaz', email: '  Carla.Diaz@Example.com ' },
  // user-gone
  { n: 3, name: 'Cy Gone', email: 'cy@example.com', active: false },
  // new-seat
  { n: 5, name: 'Dana Ek', email: 'dana@example.com' },
  // crm-user-replaced: Eve's old CRM record is inactive, her new one has the same email
  { n: 10, name: 'Eve Stone', email: 'eve@example.com', active: false },
  { n: 11, name: 'Eve Stone', email: 'EVE@example.com' },
  // no-email: inactive CRM user on a seat without email
  { n: 20, name: 'Finn Old', active: false },
  // email-shared (CRM side): two active CRM users have Gus's email
  { n: 21, name: 'Fay Former', email: 'fay@example.com' },
  { n: 22, name: 'Gus Ray', email: 'gus@example.com' },
  { n: 23, name: 'Gus Ray (admin)', email: 'gus@example.com' },
  // email-shared (Outreach side): a naive rule would map Hal to both unmapped seats
  { n: 30, name: 'Hal Moe', email: 'hal@example.com' },
  // locked-seat-active-crm-user
  { n: 40, name: 'Ian Lock', email: 'ian@example.com' },
  // only-inactive-crm-users
  { n: 60, name: 'Ivy Left', email: 'ivy@example.com', active: false },
  // candidate-mapped-elsewhere: Jo is mapped to seat 71, and seat 70 carries her email too
  { n: 70, name: 'Jo Park', email: 'jo@example.com' },
  // names-differ-email-matches: Kim changed her name in Outreach only
  { n: 80, name: 'Kim Lee', email: 'kim@example.com' },
  // no-active-candidate: Liz left, her seat is still open, nobody else has her email
  { n: 90, name: 'Liz Gone', email: 'liz@example.com', active: false },
  // a chain (second pass): seat 100 passes from Max to Nia, then Max's own new seat 102 is his
  { n: 100, name: 'Max Roe', email: 'max@example.com' },
  { n: 101, name: 'Nia Sol', email: 'nia@example.com' },
  // two unmapped seats carry Quinn's email: email-shared, so no rule ever claims her twice
  { n: 120, name: 'Quinn Ash', email: 'quinn@example.com' },
  { n: 121, name: 'Rae Old', email: 'rae@example.com' },
  // outreach-user-missing
  { n: 130, name: 'Olga Seatless', email: 'olga@example.com' },
];

export const seats: Seat[] = [
  { id: 1, name: 'Ada Lovelace', email: 'ada@example.com' },
  { id: 2, name: 'Carla Diaz', email: 'carla.diaz@example.com' },
  { id: 3, name: 'Cy Gone', email: 'cy@example.com', locked: true },
  { id: 5, name: 'Dana Ek', email: ' DANA@example.com' },
  { id: 10, name: 'Eve Stone', email: 'eve@example.com' },
  { id: 20, name: 'Finn New' },
  { id: 21, name: 'Gus Ray', email: 'gus@example.com' },
  { id: 30, name: 'Hal Moe', email: 'hal@example.com' },
  { id: 31, name: 'Hal Moe', email: 'Hal@Example.com' },
  { id: 40, name: 'Ian Lock', email: 'ian@example.com', locked: true },
  { id: 60, name: 'Ivy Left', email: 'ivy@example.com' },
  { id: 70, name: 'Jo Park', email: 'jo@example.com' },
  { id: 71, name: 'Jo Park', email: 'jo.park@example.com' },
  { id: 80, name: 'Kim Park', email: 'kim@example.com' },
  { id: 90, name: 'Liz Gone', email: 'liz@example.com' },
  { id: 100, name: 'Nia Sol', email: 'nia@example.com' },
  { id: 102, name: 'Max Roe', email: 'max@example.com' },
  { id: 110, name: 'No Mail' },
  { id: 120, name: 'Quinn Ash', email: 'quinn@example.com' },
  { id: 121, name: 'Quinn Ash', email: 'quinn@example.com' },
  { id: 50, name: 'Missing Person', email: 'missing@example.com' },
  { id: 200, name: 'Partner Admin', email: 'admin@partner.example' },
];

export const teamYaml = `# yaml-language-server: $schema=../schema/user-mappings.schema.json
mappings:
  # Ada keeps her seat
  - crmUserId: ${id(1)}
    outreachUserId: 1
    name: Ada Lovelace
  - crmUserId: ${id(2)} # hired 2021
    outreachUserId: 2
    name: Bob Ng
    note: EMEA desk
  - crmUserId: ${id(3)}
    outreachUserId: 3
    name: Cy Gone
  - crmUserId: ${id(10)}
    outreachUserId: 10
    name: Eve Stone
    email: eve@example.com
  - crmUserId: ${id(20)}
    outreachUserId: 20
    name: Finn Old
  - crmUserId: ${id(21)}
    outreachUserId: 21
    name: Fay Former
  - crmUserId: ${id(40)}
    outreachUserId: 40
    name: Ian Lock
`;

export const otherYaml = `# yaml-language-server: $schema=../../schema/user-mappings.schema.json
mappings:
  - crmUserId: ${id(50)}
    outreachUserId: 50
    name: Missing Person
  - crmUserId: ${id(70)}
    outreachUserId: 71
    name: Jo Park
  - crmUserId: ${id(80)}
    outreachUserId: 80
    name: Kim Lee
  - crmUserId: ${id(90)}
    outreachUserId: 90
    name: Liz Gone
  - crmUserId: ${id(100)}
    outreachUserId: 100
    name: Max Roe
  - crmUserId: ${id(121)}
    outreachUserId: 121
    name: Rae Old
  - crmUserId: ${id(130)}
    outreachUserId: 130
    name: Olga Seatless
`;

export function storeJson(options: { crm?: Crm[]; seats?: Seat[] } = {}): string {
  return JSON.stringify({
    mappings: [],
    crmUsers: (options.crm ?? crmUsers).map((u) => ({ id: id(u.n), name: u.name, ...(u.email !== undefined ? { email: u.email } : {}), active: u.active ?? true })),
    outreachUsers: (options.seats ?? seats).map((s) => ({ id: s.id, name: s.name, ...(s.email !== undefined ? { email: s.email } : {}), locked: s.locked ?? false })),
  });
}

/**
 * The small org the live-service suggest tests share (Salesforce, Dynamics): one seat-repurposed
 * (Bob's seat 2 now Carla's), one user-gone (Cy), one new-seat (Dana), as each service holds it;
 * `crmId` is the service's ID for test user n.
 */
export const serviceOrg = {
  people: [
    { n: 1, name: 'Ada Lovelace', email: 'ada@example.com', active: true, mapped: 1 },
    { n: 2, name: 'Bob Ng', email: 'bob@example.com', active: true, mapped: 2 },
    { n: 3, name: 'Cy Gone', email: 'cy@example.com', active: false, mapped: 3 },
    { n: 4, name: 'Carla Diaz', email: 'Carla@Example.com', active: true, mapped: null },
    { n: 5, name: 'Dana Ek', email: 'dana@example.com', active: true, mapped: null },
  ],
  seats: [
    { id: 1, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
    { id: 2, firstName: 'Carla', lastName: 'Diaz', email: ' carla@example.com' },
    { id: 3, firstName: 'Cy', lastName: 'Gone', email: 'cy@example.com', locked: true },
    { id: 5, firstName: 'Dana', lastName: 'Ek', email: 'DANA@example.com' },
  ],
  yaml: (crmId: (n: number) => string) => `mappings:
  - crmUserId: ${crmId(1)}
    outreachUserId: 1
    name: Ada Lovelace
  - crmUserId: ${crmId(2)}
    outreachUserId: 2
    name: Bob Ng
  - crmUserId: ${crmId(3)}
    outreachUserId: 3
    name: Cy Gone
`,
  /** What suggest --format json proposes for it. */
  suggestions: (crmId: (n: number) => string) => [
    { action: 'replace', reason: 'seat-repurposed', crmUserId: crmId(4), outreachUserId: 2, previousCrmUserId: crmId(2), file: 'mappings/team.yaml', line: 5 },
    { action: 'remove', reason: 'user-gone', crmUserId: crmId(3), outreachUserId: 3, file: 'mappings/team.yaml', line: 8 },
    { action: 'add', reason: 'new-seat', crmUserId: crmId(5), outreachUserId: 5, file: 'mappings/suggested.yaml' },
  ],
};
