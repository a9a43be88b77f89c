// People's names come from three places (the YAML, the CRM, Outreach) typed by different people:
// compare them ignoring case, Unicode compatibility forms (e.g. full-width letters) and runs of
// whitespace.
export function normalizeName(name: string): string {
  return name.normalize('NFKC').toLocaleLowerCase('en').replace(/\s+/g, ' ').trim();
}

/** True when both names are known and differ after normalising. Unknown names never mismatch. */
export function namesDiffer(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || a === b) return false; // the common case, without allocating
  const na = normalizeName(a);
  const nb = normalizeName(b);
  return na !== '' && nb !== '' && na !== nb;
}
