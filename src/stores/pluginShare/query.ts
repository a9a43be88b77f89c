// The one statement the plugin-share store sends (CONTRACT §12). It returns the plugin's user
// mappings and the org's users in one result, told apart by ROW_KIND, rather than a join that
// would repeat a user's name on each of its rows: the users feed the Outreach directory too,
// mapped or not, and one statement means one round trip before the result partitions.
//
// With pluginShare.orgId set, the org is the one bind variable. Without it, the statement also
// returns the share's distinct O_IDs ('org' rows) and reads the greatest one; the store uses
// that result only when it is the only org and otherwise stops, listing them. Either way a run
// costs one statement.
//
// Tables are named without qualifiers: the database and schema travel in the request body.

export const ROW_KIND = { mapping: 'mapping', user: 'user', org: 'org' } as const;

/** Result columns, in order. */
export const COLUMNS = ['ROW_KIND', 'OUTREACH_USER_ID', 'CRM_USER_ID', 'FIRST_NAME', 'LAST_NAME', 'EMAIL', 'DML_AT', 'ORG_ID'] as const;

// A null flag is not a delete: only rows whose latest change was a delete are left out.
const NOT_DELETED = (alias: string) => `COALESCE(${alias}.IS_DELETED_IN_APP, FALSE) = FALSE`;

export function pluginShareStatement(orgId: string | undefined): { statement: string; bindings: string[] } {
  const org = orgId !== undefined
    ? 'ORG AS (SELECT ? AS O_ID)'
    : 'ORGS AS (SELECT O_ID FROM USERS UNION SELECT O_ID FROM PLUGIN_MAPPINGS), ORG AS (SELECT MAX(O_ID) AS O_ID FROM ORGS)';
  const statement = [
    `WITH ${org}`,
    // User-to-user mappings only (not prospects, not contacts or leads), live and enabled; a
    // mapping whose Outreach user was deleted is gone from the plugin's list with the user.
    "SELECT 'mapping' AS ROW_KIND, m.VALUE_ID AS OUTREACH_USER_ID, m.EXTERNAL_ID AS CRM_USER_ID,",
    '  NULL AS FIRST_NAME, NULL AS LAST_NAME, NULL AS EMAIL, m.DML_AT AS DML_AT, NULL AS ORG_ID',
    'FROM PLUGIN_MAPPINGS m',
    "WHERE m.O_ID = (SELECT O_ID FROM ORG) AND m.VALUE_TYPE = 'User' AND m.EXTERNAL_TYPE = 'User'",
    `  AND ${NOT_DELETED('m')} AND m.ENABLED_AT IS NOT NULL`,
    '  AND NOT EXISTS (SELECT 1 FROM USERS d WHERE d.ID = m.VALUE_ID AND d.O_ID = m.O_ID AND d.IS_DELETED_IN_APP = TRUE)',
    'UNION ALL',
    "SELECT 'user', u.ID, NULL, u.FIRST_NAME, u.LAST_NAME, u.EMAIL, u.DML_AT, NULL",
    'FROM USERS u',
    `WHERE u.O_ID = (SELECT O_ID FROM ORG) AND ${NOT_DELETED('u')}`,
    ...(orgId === undefined ? ['UNION ALL', "SELECT 'org', NULL, NULL, NULL, NULL, NULL, NULL, O_ID FROM ORGS"] : []),
  ].join('\n');
  return { statement, bindings: orgId !== undefined ? [orgId] : [] };
}
