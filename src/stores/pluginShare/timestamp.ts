// Snowflake's jsonv2 answers carry a TIMESTAMP_NTZ as seconds since the epoch with a fraction
// ("1764979200.000000000"); its OpenAPI example shows 'YYYY-MM-DD hh:mm:ss.fff'. Both are read,
// as UTC (NTZ has no zone). A TIMESTAMP_TZ adds " <offset minutes>" after the epoch seconds,
// which already are UTC.

/** Milliseconds since the epoch, or undefined for a value in neither form. */
export function parseSnowflakeTimestamp(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  const epoch = /^(-?\d+)(?:\.(\d+))?(?: \d+)?$/.exec(text);
  if (epoch) {
    const millis = Number(((epoch[2] ?? '') + '000').slice(0, 3));
    const seconds = Number(epoch[1]);
    return seconds * 1000 + (seconds < 0 ? -millis : millis);
  }
  const calendar = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(text);
  if (calendar) {
    const [, y, mo, d, h, mi, s, fraction] = calendar;
    const millis = Number(((fraction ?? '') + '000').slice(0, 3));
    const at = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis);
    return Number.isFinite(at) ? at : undefined;
  }
  return undefined;
}
