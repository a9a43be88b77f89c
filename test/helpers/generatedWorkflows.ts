// The workflows `mapsync init` writes, made by the real CLI in temporary folders (one per CRM),
// for the tests that hold every workflow to the same lint and security rules as this repository's.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeProject, runCli } from './cli.js';

export interface WorkflowText { file: string; text: string }

/** `init --crm <crm>` in a fresh folder; returns its workflows, labelled `init --crm X: path`. */
export async function generatedWorkflows(crms: readonly string[] = ['salesforce', 'dynamics'], extraArgs: string[] = []): Promise<WorkflowText[]> {
  const out: WorkflowText[] = [];
  for (const crm of crms) {
    const { dir, cleanup } = await makeProject();
    try {
      const init = await runCli(['init', '--crm', crm, ...extraArgs], { cwd: dir });
      if (init.code !== 0) throw new Error(`mapsync init --crm ${crm} failed: ${init.stderr}`);
      const folder = join(dir, '.github/workflows');
      for (const name of (await readdir(folder)).sort()) {
        out.push({ file: `init --crm ${crm}${extraArgs.length ? ' ' + extraArgs.join(' ') : ''}: .github/workflows/${name}`, text: await readFile(join(folder, name), 'utf8') });
      }
    } finally {
      await cleanup();
    }
  }
  return out;
}
