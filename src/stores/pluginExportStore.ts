// `plugin-export:PATH`: the CRM plugin's mapped-user list as the users CSV that Outreach's Users
// page exports shows it (CONTRACT §12). Read-only: no API writes that list, so apply refuses this
// store (src/apply/applyPlan.ts) and its plan is the clicks an admin makes in the plugin screen.
// The export also is the Outreach directory: names, emails and locked seats.
import { readFile } from 'node:fs/promises';
import { normalize, relative, resolve } from 'node:path';
import { crmIdRules } from '../crm/index.js';
import type { Directories, OutreachDirectory, OutreachUser } from '../directories/directory.js';
import { MapsyncError } from '../errors.js';
import type { LiveMapping, LiveState, OutreachUserId, Warning } from '../model.js';
import { parseExport, type ExportRow } from './pluginExport/parseExport.js';
import type { MappingStore, StoreFactory } from './store.js';

const WHERE_IT_COMES_FROM = 'export it from Outreach: Administration → Users, select the users, the … menu → Export';

/** In the pull request's plan (workflow_run) the files are the check workflow's artifact: a missing CSV was not uploaded. */
function missingHint(spec: string, env: NodeJS.ProcessEnv): string {
  if (env.GITHUB_EVENT_NAME !== 'workflow_run') return WHERE_IT_COMES_FROM;
  const path = spec.slice('plugin-export:'.length);
  return `the plan reads the files the mapsync check workflow uploads: add ${path} to the path: list of its upload step (\`mapsync init --store ${spec}\` writes it there), and commit the CSV`;
}

function readOnlyError(spec: string): MapsyncError {
  return new MapsyncError(`${spec} is the CRM plugin's own list, which has no write API`, {
    code: 'read-only-store',
    hint: 'run `mapsync plan --format checklist` for the clicks that make it match mappings/',
  });
}

function outreachDirectory(rows: readonly ExportRow[], shown: string): OutreachDirectory {
  const users = new Map<OutreachUserId, OutreachUser>();
  for (const r of rows) users.set(r.user.id, r.user);
  const all = rows.map((r) => r.user);
  return {
    source: shown,
    async findUsers(ids) {
      const found = new Map<OutreachUserId, OutreachUser>();
      for (const id of ids) {
        const user = users.get(id);
        if (user) found.set(id, user);
      }
      return found;
    },
    listUsers: async () => all,
  };
}

export const createPluginExportStore: StoreFactory = async (argument, context) => {
  if (argument === undefined || argument.trim() === '') {
    throw new MapsyncError(`the plugin-export store needs the path of the users CSV: "plugin-export:PATH", not "plugin-export${argument === undefined ? '' : ':'}"`, {
      code: 'store-spec',
      hint: `e.g. plugin-export:users.csv (${WHERE_IT_COMES_FROM})`,
    });
  }
  const absolute = resolve(argument);
  const shown = relative(process.cwd(), absolute) || argument;
  const spec = `plugin-export:${normalize(argument)}`;
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Unlike the file store, a missing export is a mistake: an empty list would plan to add everything.
    if (code === 'ENOENT') throw new MapsyncError(`${shown}: no such file (the users CSV for ${spec})`, { code: 'plugin-export-missing', hint: missingHint(spec, context.env) });
    throw new MapsyncError(`cannot read ${shown}: ${code === 'EISDIR' ? 'it is a directory' : (err as Error).message}`, { code: 'plugin-export-missing', hint: WHERE_IT_COMES_FROM });
  }
  const { rows } = parseExport(text, shown, context.config.pluginExport.columns, crmIdRules(context.config.crm));
  const directories: Directories = { outreach: outreachDirectory(rows, shown) };

  const store: MappingStore = {
    spec,
    readOnly: true,
    async list(): Promise<LiveState> {
      const mappings: LiveMapping[] = [];
      const warnings: Warning[] = [];
      for (const r of rows) {
        if (r.crmUserId === undefined) continue;
        mappings.push({ crmUserId: r.crmUserId, outreachUserId: r.user.id, ...(r.user.name ? { outreachUserName: r.user.name } : {}) });
        if (r.repaired) warnings.push({ code: 'live-id-repaired', message: r.repaired.message, crmUserId: r.crmUserId, outreachUserId: r.user.id });
      }
      return { mappings, warnings };
    },
    // Never reached: apply refuses read-only stores before it locks or writes. Kept loud in case.
    apply: async () => { throw readOnlyError(spec); },
    lock: async () => { throw readOnlyError(spec); },
    directories: () => directories,
    close: async () => undefined,
  };
  return store;
};
