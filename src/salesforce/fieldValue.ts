// What a mapping field holds. A text field carries "42"; a number field would carry 42.
// Anything else (letters, 0, fractions, leading signs) is not an Outreach id.

export function parseOutreachId(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) && raw >= 1 ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (!/^[0-9]+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= 1 ? value : undefined;
}
