// The one ordering of mappings used everywhere: by CRM user ID, then Outreach user id. Plain
// code-unit comparison, not localeCompare: IDs are ASCII, and the order must not depend on locale.
interface Pair {
  crmUserId: string;
  outreachUserId: number;
}

export function comparePairs(a: Pair, b: Pair): number {
  if (a.crmUserId !== b.crmUserId) return a.crmUserId < b.crmUserId ? -1 : 1;
  return a.outreachUserId - b.outreachUserId;
}

export function pairKey(p: Pair): string {
  return `${p.crmUserId}\t${p.outreachUserId}`;
}
