// Writes the files of a new mapsync repository without touching any that exist: each file is
// created with the exclusive flag (an existing one is left alone and named), and .gitignore is
// only appended to, with the lines it does not already have.
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join, posix, relative, sep } from 'node:path';
import { CONFIG_FILE } from '../config.js';
import type { CrmName } from '../crm/index.js';
import { configFile, EXAMPLE_MAPPING_FILE, exampleMappingFile, GITIGNORE_HEADER, GITIGNORE_LINES } from './projectFiles.js';
import { parseStoreSpec } from '../stores/index.js';
import { applyWorkflow, checkWorkflow, driftWorkflow, planWorkflow, WORKFLOW_FILES } from './workflowFiles.js';

export interface ScaffoldOptions {
  projectDir: string;
  crm: CrmName;
  store: string;
  mappingsDir: string;
  /** Absolute path of the schema the modeline points at. */
  schemaPath: string;
  /** `owner/mapsync@ref` for the workflows. */
  action: string;
}

export interface ScaffoldResult {
  created: string[];
  leftAlone: string[];
  /** What happened to .gitignore: created, the lines appended, or already complete. */
  gitignore: { file: string; added: string[]; created: boolean };
}

/** The committed CSV of a plugin-export:PATH store, which the check workflow must upload for the plan. */
function storeFileOf(store: string): { storeFile?: string } {
  const { kind, argument } = parseStoreSpec(store);
  return kind === 'plugin-export' && argument ? { storeFile: posix.normalize(argument) } : {};
}

/** The files, relative to the project, in the order they are reported. */
export function plannedFiles(o: ScaffoldOptions): { path: string; text: string }[] {
  const mappingsAbs = join(o.projectDir, o.mappingsDir);
  const schemaRef = relative(mappingsAbs, o.schemaPath).split(sep).join('/');
  const workflow = { action: o.action, crms: [o.crm], mappingsDir: o.mappingsDir, ...storeFileOf(o.store) };
  return [
    { path: `${o.mappingsDir}/${EXAMPLE_MAPPING_FILE}`, text: exampleMappingFile(o.crm, schemaRef) },
    { path: CONFIG_FILE, text: configFile(o.crm, o.store) },
    { path: WORKFLOW_FILES.check, text: checkWorkflow(workflow) },
    { path: WORKFLOW_FILES.plan, text: planWorkflow(workflow) },
    { path: WORKFLOW_FILES.apply, text: applyWorkflow(workflow) },
    { path: WORKFLOW_FILES.drift, text: driftWorkflow(workflow) },
  ];
}

/** Creates `path` with `text` unless it exists; true when it was created. */
async function createExclusive(path: string, text: string): Promise<boolean> {
  await mkdir(dirname(path), { recursive: true });
  try {
    const handle = await open(path, 'wx');
    try {
      await handle.writeFile(text);
    } finally {
      await handle.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** The .gitignore lines still missing (a line counts as present with or without its trailing slash or a leading slash). */
export function missingIgnoreLines(existing: string): string[] {
  const norm = (line: string) => line.trim().replace(/^\//, '').replace(/\/$/, '');
  const have = new Set(existing.split(/\r?\n/).map(norm));
  return GITIGNORE_LINES.filter((line) => !have.has(norm(line)));
}

async function appendGitignore(projectDir: string): Promise<ScaffoldResult['gitignore']> {
  const file = join(projectDir, '.gitignore');
  let existing: string | undefined;
  try {
    existing = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const added = missingIgnoreLines(existing ?? '');
  if (added.length === 0) return { file: '.gitignore', added, created: false };
  const lead = existing === undefined || existing === '' ? '' : existing.endsWith('\n') ? '\n' : '\n\n';
  const handle = await open(file, 'a');
  try {
    await handle.writeFile(`${lead}${GITIGNORE_HEADER}\n${added.join('\n')}\n`);
  } finally {
    await handle.close();
  }
  return { file: '.gitignore', added, created: existing === undefined };
}

export async function scaffold(o: ScaffoldOptions): Promise<ScaffoldResult> {
  const created: string[] = [];
  const leftAlone: string[] = [];
  for (const { path, text } of plannedFiles(o)) {
    if (await createExclusive(join(o.projectDir, path), text)) created.push(path);
    else leftAlone.push(path);
  }
  return { created, leftAlone, gitignore: await appendGitignore(o.projectDir) };
}
