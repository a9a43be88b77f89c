// The `plugin-share` store (CONTRACT §12): the CRM plugin's own mapped-user list, read from
// Outreach Data Sharing through the Snowflake SQL API. It only reads: nothing can write that
// list, so apply() refuses (the commands refuse before they get here) and lock() holds nothing.
//
// One run sends one statement (query.ts), then reads the result's other partitions.
import { CONFIG_FILE } from '../config.js';
import { crmIdRules } from '../crm/index.js';
import type { Directories, OutreachDirectory, OutreachUser } from '../directories/directory.js';
import { MapsyncError } from '../errors.js';
import type { LiveState, OutreachUserId } from '../model.js';
import { SnowflakeClient, SnowflakeSqlError, type ResultSet } from '../snowflake/client.js';
import { loadSnowflakeKey } from '../snowflake/jwt.js';
import { snowflakeSettings } from '../snowflake/settings.js';
import { pluginShareStatement } from './pluginShare/query.js';
import { readShareResult, type ShareContents } from './pluginShare/rows.js';
import type { MappingStore, StoreContext, StoreFactory } from './store.js';

function requireSetting(value: string | undefined, key: 'database' | 'schema'): string {
  if (value !== undefined) return value;
  throw new MapsyncError(`the plugin-share store needs pluginShare.${key} in ${CONFIG_FILE}`, {
    code: 'config-invalid',
    hint: `set pluginShare.database and pluginShare.schema to where Outreach Data Sharing is mounted in your Snowflake account (SHOW DATABASES lists the share's database)`,
  });
}

/** A SQL error as one line naming what to check, in the words of the config and the grants. */
function explainSqlError(err: SnowflakeSqlError, database: string, schema: string, role: string | undefined): MapsyncError {
  const roleName = role ? `role ${role} (SNOWFLAKE_ROLE)` : "the user's default role (or set SNOWFLAKE_ROLE)";
  return new MapsyncError(
    `Snowflake could not read the plugin list: ${err.sqlMessage} — check pluginShare.database (${database}) and pluginShare.schema (${schema}) in ${CONFIG_FILE}, that ${roleName} has IMPORTED PRIVILEGES on the share's database, and USAGE on SNOWFLAKE_WAREHOUSE`,
    { code: 'snowflake-sql', hint: 'SHOW DATABASES and SHOW SCHEMAS IN DATABASE … as that role show what it can read' },
  );
}

class PluginShareStore implements MappingStore {
  readonly spec = 'plugin-share';
  readonly readOnly = true;
  private contents: Promise<ShareContents> | undefined;
  /** Aborted by close(): a read still in flight (plan started it early, then the files failed) stops. */
  private readonly closing = new AbortController();

  constructor(
    private readonly context: StoreContext,
    private readonly database: string,
    private readonly schema: string,
  ) {}

  /** Read once per run: list() and the directory share the one statement. */
  private read(): Promise<ShareContents> {
    this.contents ??= this.fetch();
    return this.contents;
  }

  private async fetch(): Promise<ShareContents> {
    const { env, config, log } = this.context;
    const settings = snowflakeSettings(env);
    const client = new SnowflakeClient(settings, loadSnowflakeKey(env), log, 'mapsync (plugin-share)', this.closing.signal);
    const orgId = config.pluginShare.orgId;
    let result: ResultSet;
    try {
      result = await client.query({ ...pluginShareStatement(orgId), database: this.database, schema: this.schema });
    } catch (err) {
      if (err instanceof SnowflakeSqlError) throw explainSqlError(err, this.database, this.schema, settings.role);
      throw err;
    }
    log.debug(`snowflake: ${result.rows.length} rows in ${result.partitions} partition(s), ${client.requests} request(s)`);
    const contents = readShareResult(result, crmIdRules(config.crm));
    if (orgId === undefined) checkOneOrg(contents.orgs, this.database, this.schema);
    return contents;
  }

  async list(): Promise<LiveState> {
    const { mappings, warnings, asOf } = await this.read();
    return { mappings, warnings, ...(asOf !== undefined ? { asOf } : {}) };
  }

  async apply(): Promise<never> {
    // The commands refuse a read-only store before this; this is the safety net.
    throw new MapsyncError("the plugin's mapped-user list has no write API: mapsync only reads it (plugin-share)", {
      code: 'read-only-store',
      hint: 'make the clicks that `mapsync plan --format checklist` lists in the plugin screen',
    });
  }

  async lock(): Promise<() => Promise<void>> {
    return async () => {};
  }

  directories(): Directories {
    return { outreach: shareDirectory(() => this.read().then((c) => c.users)) };
  }

  async close(): Promise<void> {
    this.closing.abort();
  }
}

function shareDirectory(users: () => Promise<Map<OutreachUserId, OutreachUser>>): OutreachDirectory {
  return {
    source: 'Outreach Data Sharing (USERS)',
    async findUsers(ids) {
      const all = await users();
      const found = new Map<OutreachUserId, OutreachUser>();
      for (const id of ids) {
        const user = all.get(id);
        if (user !== undefined) found.set(id, user);
      }
      return found;
    },
    async listUsers() {
      return [...(await users()).values()];
    },
  };
}

function checkOneOrg(orgs: readonly string[], database: string, schema: string): void {
  if (orgs.length === 1) return;
  if (orgs.length === 0) {
    throw new MapsyncError(`the share ${database}.${schema} holds no Outreach org: USERS and PLUGIN_MAPPINGS are empty`, {
      code: 'plugin-share-org',
      hint: `check pluginShare.database and pluginShare.schema in ${CONFIG_FILE}, or set pluginShare.orgId`,
    });
  }
  throw new MapsyncError(`the share ${database}.${schema} holds ${orgs.length} Outreach orgs (O_ID ${orgs.join(', ')}): say which one to read`, {
    code: 'plugin-share-org',
    hint: `set pluginShare.orgId in ${CONFIG_FILE} to one of ${orgs.join(', ')}`,
  });
}

const openPluginShareStore = async (argument: string | undefined, context: StoreContext): Promise<MappingStore> => {
  if (argument !== undefined) {
    throw new MapsyncError(`the plugin-share store takes no argument (got "plugin-share:${argument}")`, {
      hint: `set pluginShare.database, pluginShare.schema (and pluginShare.orgId) in ${CONFIG_FILE}`,
    });
  }
  const database = requireSetting(context.config.pluginShare.database, 'database');
  const schema = requireSetting(context.config.pluginShare.schema, 'schema');
  // Settings are checked at open, so a missing variable stops the run before anything is read.
  snowflakeSettings(context.env);
  return new PluginShareStore(context, database, schema);
};

// Its open reads nothing and its list waits on Snowflake: plan starts it before reading the files.
export const createPluginShareStore: StoreFactory = Object.assign(openPluginShareStore, { listsOverNetwork: true });
