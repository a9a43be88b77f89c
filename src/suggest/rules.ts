// The rules of CONTRACT §7, the way Outreach itself re-maps a replaced user: by the same email.
// Everything that is not certain becomes `unresolved` with its reason; nothing doubtful is edited.
//
// The rules run in passes: a seat-repurposed replace frees an active CRM user, who may be the one
// match of another seat. Each pass sees the mappings as the earlier passes' edits leave them, and
// the passes stop when one finds nothing, so `suggest` after `suggest --write` proposes nothing.
// The unresolved list is the last pass's: what is still doubtful once every edit is made.
import type { CrmUser, OutreachUser } from '../directories/directory.js';
import type { CrmUserId, DesiredMapping, OutreachUserId } from '../model.js';
import { namesDiffer } from '../plan/names.js';
import type { Suggestion, SuggestionReason, SuggestionSet, Unresolved } from './model.js';

/** Emails are compared trimmed and case-insensitively (CONTRACT §7). */
export function normalizeEmail(email: string | undefined): string {
  return (email ?? '').trim().toLowerCase();
}

export interface SuggestInput {
  mappings: readonly DesiredMapping[];
  crmUsers: readonly CrmUser[];
  outreachUsers: readonly OutreachUser[];
  /** Where adds go (suggest.addTo). */
  addTo: string;
  sources: { crm: string; outreach: string };
}

/** One mapping as the passes see it: an entry of mappings/, or a pair an earlier pass adds. */
interface Entry {
  crmUserId: CrmUserId;
  outreachUserId: OutreachUserId;
  file?: string;
  line?: number;
  /**
   * Made by an earlier pass. Such an entry never matches a rule again (its CRM user is active and
   * has its seat's email); the flag only guarantees no entry is ever edited twice. Its doubts are
   * still reported, as a fresh run after --write would report them.
   */
  settled: boolean;
}

interface Directory {
  crm: Map<CrmUserId, CrmUser>;
  outreach: Map<OutreachUserId, OutreachUser>;
  crmByEmail: Map<string, CrmUser[]>;
  outreachByEmail: Map<string, OutreachUser[]>;
  outreachInOrder: OutreachUser[];
}

/** Passes beyond this would mean a chain of repurposed seats longer than any org has; stop there. */
const MAX_PASSES = 50;

export function computeSuggestions(input: SuggestInput): SuggestionSet {
  const dir = indexDirectories(input);
  let entries: Entry[] = input.mappings.map((m) => ({ crmUserId: m.crmUserId, outreachUserId: m.outreachUserId, file: m.location.file, line: m.location.line, settled: false }));
  const suggestions: Suggestion[] = [];
  let unresolved: Unresolved[] = [];
  for (let pass = 1; pass <= MAX_PASSES; pass++) {
    const found = runPass(entries, dir, input.addTo, pass);
    unresolved = found.unresolved;
    if (found.suggestions.length === 0) break;
    suggestions.push(...found.suggestions);
    entries = applyToEntries(entries, found.suggestions);
  }
  return { suggestions, unresolved, sources: input.sources };
}

function indexDirectories(input: SuggestInput): Directory {
  const crm = new Map<CrmUserId, CrmUser>();
  const crmByEmail = new Map<string, CrmUser[]>();
  for (const user of input.crmUsers) {
    if (crm.has(user.id)) continue;
    crm.set(user.id, user);
    const email = normalizeEmail(user.email);
    if (email !== '') push(crmByEmail, email, user);
  }
  const outreach = new Map<OutreachUserId, OutreachUser>();
  const outreachByEmail = new Map<string, OutreachUser[]>();
  for (const user of input.outreachUsers) {
    if (outreach.has(user.id)) continue;
    outreach.set(user.id, user);
    const email = normalizeEmail(user.email);
    if (email !== '') push(outreachByEmail, email, user);
  }
  const outreachInOrder = [...outreach.values()].sort((a, b) => a.id - b.id);
  return { crm, outreach, crmByEmail, outreachByEmail, outreachInOrder };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const quoted = (name: string | undefined) => (name ? ` "${name}"` : '');
export const crmLabel = (u: CrmUser) => `CRM user ${u.id}${quoted(u.name)}`;
export const seatLabel = (u: OutreachUser) => `Outreach user ${u.id}${quoted(u.name)}`;

/** The one active CRM user with this seat's email, or why there is not exactly one. */
type Match =
  | { ok: true; user: CrmUser }
  | { ok: false; reason: 'no-email' | 'email-shared' | 'only-inactive-crm-users' | 'no-crm-user'; detail: string };

function matchByEmail(seat: OutreachUser, dir: Directory): Match {
  const email = normalizeEmail(seat.email);
  if (email === '') return { ok: false, reason: 'no-email', detail: 'the seat has no email to match on' };
  const seats = dir.outreachByEmail.get(email) ?? [];
  if (seats.length > 1) {
    return { ok: false, reason: 'email-shared', detail: `${seats.length} Outreach users share the email ${email}: ${seats.map((s) => s.id).join(', ')}` };
  }
  const crmUsers = dir.crmByEmail.get(email) ?? [];
  // Inactive CRM users with the email are the replaced ones: they never make the match ambiguous.
  const active = crmUsers.filter((u) => u.active);
  if (active.length > 1) {
    return { ok: false, reason: 'email-shared', detail: `${active.length} active CRM users share the email ${email}: ${active.map((u) => u.id).join(', ')}` };
  }
  if (active.length === 1) return { ok: true, user: active[0]! };
  if (crmUsers.length > 0) {
    return { ok: false, reason: 'only-inactive-crm-users', detail: `only inactive CRM users have the email ${email}: ${crmUsers.map((u) => u.id).join(', ')}` };
  }
  return { ok: false, reason: 'no-crm-user', detail: `no CRM user has the email ${email}` };
}

function runPass(entries: readonly Entry[], dir: Directory, addTo: string, pass: number): { suggestions: Suggestion[]; unresolved: Unresolved[] } {
  const mappedCrm = new Set<CrmUserId>();
  const mappedOutreach = new Set<OutreachUserId>();
  for (const e of entries) {
    mappedCrm.add(e.crmUserId);
    mappedOutreach.add(e.outreachUserId);
  }
  const suggestions: Suggestion[] = [];
  const unresolved: Unresolved[] = [];
  const where = (e: Entry) => (e.file !== undefined ? { file: e.file, line: e.line } : {});

  for (const e of entries) {
    const crmUser = dir.crm.get(e.crmUserId);
    const seat = dir.outreach.get(e.outreachUserId);
    const ids = { crmUserId: e.crmUserId, outreachUserId: e.outreachUserId, ...where(e) };
    if (!crmUser) unresolved.push({ reason: 'crm-user-missing', ...ids, detail: `CRM user ${e.crmUserId} is not in the CRM directory` });
    if (!seat) unresolved.push({ reason: 'outreach-user-missing', ...ids, detail: `Outreach user ${e.outreachUserId} is not in the Outreach directory` });
    if (!crmUser || !seat) continue;

    if (seat.locked) {
      if (!crmUser.active) {
        if (!e.settled) suggestions.push({ action: 'remove', reason: 'user-gone', ...ids, crmUser, outreachUser: seat, pass });
      } else {
        unresolved.push({ reason: 'locked-seat-active-crm-user', ...ids, detail: `${seatLabel(seat)} is locked but ${crmLabel(crmUser)} is still active` });
      }
      continue;
    }
    const reason: SuggestionReason | undefined = !crmUser.active ? 'crm-user-replaced' : namesDiffer(crmUser.name, seat.name) ? 'seat-repurposed' : undefined;
    if (!reason) continue;
    const why = reason === 'crm-user-replaced' ? `${crmLabel(crmUser)} is inactive` : `${crmLabel(crmUser)} and ${seatLabel(seat)} have different names`;
    const match = matchByEmail(seat, dir);
    if (!match.ok) {
      const code = match.reason === 'no-email' || match.reason === 'email-shared' ? match.reason : 'no-active-candidate';
      unresolved.push({ reason: code, ...ids, detail: `${why}, but ${match.detail}` });
      continue;
    }
    const candidate = match.user;
    if (candidate.id === e.crmUserId) {
      // The mapped CRM user has the seat's email: a renamed person, not a repurposed seat.
      unresolved.push({ reason: 'names-differ-email-matches', ...ids, detail: `${why}, but they share the email ${normalizeEmail(seat.email)}: a renamed user? correct the name in one directory` });
      continue;
    }
    if (mappedCrm.has(candidate.id)) {
      unresolved.push({ reason: 'candidate-mapped-elsewhere', ...ids, detail: `${why}; ${crmLabel(candidate)} has the seat's email but is already mapped elsewhere` });
      continue;
    }
    if (!e.settled) suggestions.push({ action: 'replace', reason, ...ids, crmUserId: candidate.id, previousCrmUserId: e.crmUserId, crmUser: candidate, previousCrmUser: crmUser, outreachUser: seat, pass });
  }

  for (const seat of dir.outreachInOrder) {
    if (seat.locked || mappedOutreach.has(seat.id)) continue;
    const match = matchByEmail(seat, dir);
    if (!match.ok) {
      // A seat whose email no CRM user has is simply not a CRM seat (an admin, a partner): not doubtful.
      if (match.reason === 'no-crm-user') continue;
      unresolved.push({ reason: match.reason, outreachUserId: seat.id, detail: `${seatLabel(seat)} is not mapped, and ${match.detail}` });
      continue;
    }
    const candidate = match.user;
    if (mappedCrm.has(candidate.id)) {
      unresolved.push({ reason: 'candidate-mapped-elsewhere', crmUserId: candidate.id, outreachUserId: seat.id, detail: `${seatLabel(seat)} is not mapped; ${crmLabel(candidate)} has its email but is already mapped elsewhere` });
      continue;
    }
    suggestions.push({ action: 'add', reason: 'new-seat', crmUserId: candidate.id, outreachUserId: seat.id, file: addTo, crmUser: candidate, outreachUser: seat, pass });
  }

  return { suggestions: sortSuggestions(suggestions), unresolved: sortUnresolved(unresolved) };
}

// No two suggestions ever claim one user: every claim is the one active CRM user with a seat's
// email, a seat whose email another Outreach user shares is "email-shared", a CRM user already
// mapped (or claimed by an earlier pass) is "candidate-mapped-elsewhere", and each seat is looked
// at once per pass. (An earlier "claimed-twice" reason guarded this and could never be reached;
// editMappingFiles still refuses, before writing, a result that maps a user twice.)

/** Edits in file order, then adds by CRM user: the order people read and the cap keeps. */
function sortSuggestions(list: Suggestion[]): Suggestion[] {
  const rank = (s: Suggestion) => (s.action === 'add' ? 1 : 0);
  return list.sort((a, b) => rank(a) - rank(b)
    || compare(a.file ?? '', b.file ?? '') || (a.line ?? 0) - (b.line ?? 0)
    || compare(a.crmUserId, b.crmUserId) || a.outreachUserId - b.outreachUserId);
}

function sortUnresolved(list: Unresolved[]): Unresolved[] {
  const rank = (u: Unresolved) => (u.file !== undefined ? 0 : 1);
  return list.sort((a, b) => rank(a) - rank(b)
    || compare(a.file ?? '', b.file ?? '') || (a.line ?? 0) - (b.line ?? 0)
    || (a.outreachUserId ?? 0) - (b.outreachUserId ?? 0) || compare(a.reason, b.reason));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The mappings as they stand once `suggestions` are made (for the next pass). */
function applyToEntries(entries: readonly Entry[], suggestions: readonly Suggestion[]): Entry[] {
  const edits = new Map<CrmUserId, Suggestion>();
  for (const s of suggestions) if (s.action !== 'add') edits.set(s.previousCrmUserId ?? s.crmUserId, s);
  const next: Entry[] = [];
  for (const e of entries) {
    const edit = edits.get(e.crmUserId);
    if (!edit) next.push(e);
    else if (edit.action === 'replace') next.push({ ...e, crmUserId: edit.crmUserId, settled: true });
  }
  for (const s of suggestions) if (s.action === 'add') next.push({ crmUserId: s.crmUserId, outreachUserId: s.outreachUserId, settled: true });
  return next;
}
