// The embedded file store (`file:PATH`): a JSON file standing in for a live org, for trying
// mapsync out, for tests and for demos. Same rules as the real stores; writes are atomic and locked.
import { readFile, stat } from 'node:fs/promises';
import { normalize, relative, resolve } from 'node:path';
import type { CrmDirectory, CrmUser, Directories, OutreachDirectory, OutreachUser } from '../directories/directory.js';
import { MapsyncError } from '../errors.js';
import { crmIdRules, type CrmIdRules } from '../crm/index.js';
import type { Change, ChangeResult, CrmUserId, LiveState, OutreachUserId } from '../model.js';
import { applyChangesInMemory } from './file/applyChanges.js';
import { emptyDocument, parseStoreJson, serializeStoreDocument, storeDocumentOf, type StoreDocument } from './file/document.js';
import { lockStoreFile } from './file/lock.js';
import { releaseGarbage } from '../memory.js';
import { mayWrite, type ApplyHooks, type MappingStore, type StoreFactory } from './store.js';

export const DEFAULT_FILE_STORE_PATH = '.mapsync/live.json';

/** How often (in changes) apply reports progress while it hands results back. */
const PROGRESS_EVERY = 500;

async function readDocument(absolute: string, shown: string, crm: CrmIdRules): Promise<StoreDocument> {
  const raw = await readJson(absolute, shown);
  if (raw === undefined) return emptyDocument();
  // The text just parsed is as large as the file (30 MB at 100,000 users): collected now, its
  // room is reused for the document instead of growing the heap past it.
  releaseGarbage(sizeOf(raw.mappings) + sizeOf(raw.crmUsers) + sizeOf(raw.outreachUsers));
  return storeDocumentOf(raw, shown, crm);
}

function sizeOf(list: unknown): number {
  return Array.isArray(list) ? list.length : 0;
}

/** The file's JSON; its text is garbage once this returns, before the document is built from it. */
async function readJson(absolute: string, shown: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new MapsyncError(`cannot read the file store ${shown}: ${code === 'EISDIR' ? 'it is a directory' : (err as Error).message}`);
  }
  return parseStoreJson(text, shown);
}

async function pathExists(absolute: string): Promise<boolean> {
  return stat(absolute).then(() => true, () => false);
}

/** A file's identity for "has it changed since we read it?": size and modification time. */
async function statSignature(absolute: string): Promise<string> {
  try {
    const s = await stat(absolute, { bigint: true });
    return `${s.size}:${s.mtimeNs}`;
  } catch {
    return 'missing';
  }
}

function indexById<K, U extends { id: K }>(users: readonly U[] | undefined): Map<K, U> {
  const index = new Map<K, U>();
  for (const user of users ?? []) index.set(user.id, user);
  return index;
}

// Plain loops: at 100k users, building a temporary array per id costs tens of megabytes.
function pick<K, U>(index: Map<K, U>, ids: readonly K[]): Map<K, U> {
  const found = new Map<K, U>();
  for (const id of ids) {
    const user = index.get(id);
    if (user !== undefined) found.set(id, user);
  }
  return found;
}

/**
 * One index of each directory per document, shared by the directories and list()'s name look-up:
 * at 100,000 users each index is several megabytes.
 */
const indexes = new WeakMap<StoreDocument, { crm: Map<CrmUserId, CrmUser>; outreach: Map<OutreachUserId, OutreachUser> }>();

function indexesOf(doc: StoreDocument): { crm: Map<CrmUserId, CrmUser>; outreach: Map<OutreachUserId, OutreachUser> } {
  let found = indexes.get(doc);
  if (found === undefined) {
    found = { crm: indexById<CrmUserId, CrmUser>(doc.crmUsers), outreach: indexById<OutreachUserId, OutreachUser>(doc.outreachUsers) };
    indexes.set(doc, found);
  }
  return found;
}

function crmDirectory(doc: StoreDocument, shown: string): CrmDirectory | undefined {
  if (!doc.crmUsers) return undefined;
  const users = indexesOf(doc).crm;
  const all = doc.crmUsers;
  return { source: shown, findUsers: async (ids) => pick(users, ids), listUsers: async () => all };
}

function outreachDirectory(doc: StoreDocument, shown: string): OutreachDirectory | undefined {
  if (!doc.outreachUsers) return undefined;
  const users = indexesOf(doc).outreach;
  const all = doc.outreachUsers;
  return { source: shown, findUsers: async (ids) => pick(users, ids), listUsers: async () => all };
}

function nameLookup(doc: StoreDocument) {
  const { crm, outreach } = indexesOf(doc);
  return { crm: (id: string) => crm.get(id)?.name || undefined, outreach: (id: number) => outreach.get(id)?.name || undefined };
}

export const createFileStore: StoreFactory = async (argument, context) => {
  const crm = crmIdRules(context.config.crm);
  if (argument === undefined || argument.trim() === '') {
    throw new MapsyncError(`the file store needs a path: "file:PATH", not "file${argument === undefined ? '' : ':'}"`, {
      code: 'store-spec',
      hint: `for the local demo store use file:${DEFAULT_FILE_STORE_PATH}`,
    });
  }
  const path = argument;
  const absolute = resolve(path);
  const shown = relative(process.cwd(), absolute) || path;
  // The default store is empty until the first apply; any other path that is missing is most
  // likely mistyped, and an empty store would otherwise pass for a real one.
  if (normalize(path) !== normalize(DEFAULT_FILE_STORE_PATH) && !(await pathExists(absolute))) {
    context.log.info(`note: the file store ${shown} does not exist, so it reads as empty (apply would create it)`);
  }
  // The directories are read once, at open: plan checks against them before anything is written.
  const openedSignature = await statSignature(absolute);
  let opened: StoreDocument | undefined = await readDocument(absolute, shown, crm);
  const directories: Directories = { crm: crmDirectory(opened, shown), outreach: outreachDirectory(opened, shown) };

  const store: MappingStore = {
    spec: `file:${normalize(path)}`,

    async list(): Promise<LiveState> {
      // The document read at open is reused once while the file is unchanged: parsing a
      // 100k-mapping store twice would double the peak memory of a plan.
      const reuse = opened !== undefined && (await statSignature(absolute)) === openedSignature;
      const doc = reuse ? opened! : await readDocument(absolute, shown, crm);
      opened = undefined;
      const names = nameLookup(doc);
      return {
        mappings: doc.mappings.map((m) => {
          const crmUserName = names.crm(m.crmUserId) ?? m.crmUserName;
          const outreachUserName = names.outreach(m.outreachUserId) ?? m.outreachUserName;
          return {
            crmUserId: m.crmUserId,
            outreachUserId: m.outreachUserId,
            ...(crmUserName !== undefined ? { crmUserName } : {}),
            ...(outreachUserName !== undefined ? { outreachUserName } : {}),
          };
        }),
        warnings: [],
      };
    },

    async apply(changes: readonly Change[], hooks: ApplyHooks): Promise<ChangeResult[]> {
      const doc = await readDocument(absolute, shown, crm);
      let results = applyChangesInMemory(doc, changes, nameLookup(doc), { mapUsersTwice: Boolean(hooks.mapUsersTwice) });
      // The whole apply is one atomic write, so an interrupt is honoured up to the moment it
      // starts (then nothing is written) and not after (then every change is made, and journaled).
      if (!mayWrite(hooks, changes)) return [];
      if (results.some((r) => r.ok)) {
        try {
          // One atomic write (temp file, fsync, rename): a crash leaves the old or the new file, never a torn one.
          const { default: writeFileAtomic } = await import('write-file-atomic'); // only an apply writes
          await writeFileAtomic(absolute, serializeStoreDocument(doc), { fsync: true });
        } catch (err) {
          const error = `could not write ${shown}: ${(err as Error).message}`;
          results = results.map((r) => (r.ok ? { change: r.change, ok: false, error } : r));
        }
      }
      // Outcomes are reported only once they are on disk, so the journal never claims more than happened.
      let done = 0;
      for (const result of results) {
        await hooks.onResult(result);
        done++;
        if (done % PROGRESS_EVERY === 0 || done === results.length) hooks.onProgress?.({ done, total: results.length });
      }
      return results;
    },

    lock: () => lockStoreFile(absolute, shown),
    directories: () => directories,
    close: async () => undefined,
  };
  return store;
};
