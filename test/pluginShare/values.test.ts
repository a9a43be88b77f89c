// The small rules of the plugin-share store that the CLI tests reach only in one form each: how
// Snowflake renders a timestamp, and how an account identifier is named in the JWT.
import { describe, expect, it } from 'vitest';
import { parseSnowflakeTimestamp } from '../../dist/stores/pluginShare/timestamp.js';
import { jwtAccountName } from '../../dist/snowflake/settings.js';

describe('Snowflake timestamps (TIMESTAMP_NTZ in jsonv2)', () => {
  it('reads epoch seconds with a fraction, the calendar form, and a TIMESTAMP_TZ offset suffix, all as UTC', () => {
    expect(parseSnowflakeTimestamp('1764979200.000000000')).toBe(Date.UTC(2025, 11, 6));
    expect(parseSnowflakeTimestamp('1764979200.123456789')).toBe(Date.UTC(2025, 11, 6) + 123);
    expect(parseSnowflakeTimestamp('1764979200')).toBe(Date.UTC(2025, 11, 6));
    expect(parseSnowflakeTimestamp('1764979200.5 1440')).toBe(Date.UTC(2025, 11, 6) + 500);
    expect(parseSnowflakeTimestamp('2019-08-10 23:56:34.123')).toBe(Date.UTC(2019, 7, 10, 23, 56, 34, 123));
    expect(parseSnowflakeTimestamp('2019-08-10T23:56:34')).toBe(Date.UTC(2019, 7, 10, 23, 56, 34));
    expect(parseSnowflakeTimestamp('-1.5')).toBe(-1500);
  });

  it('reads nothing from null or another shape', () => {
    for (const value of [null, undefined, '', 'yesterday', '1764979200,5', '2019-08-10']) expect(parseSnowflakeTimestamp(value)).toBeUndefined();
  });
});

describe('the account in the key-pair JWT', () => {
  it('is upper-cased, without a region or cloud suffix', () => {
    expect(jwtAccountName('xy12345.us-east-1')).toBe('XY12345');
    expect(jwtAccountName('xy12345.east-us-2.azure')).toBe('XY12345');
    expect(jwtAccountName('myorg-acct')).toBe('MYORG-ACCT');
    expect(jwtAccountName('https://xy12345.us-east-1.snowflakecomputing.com')).toBe('XY12345');
  });
});
