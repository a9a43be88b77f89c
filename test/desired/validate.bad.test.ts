// Every bad-input case as a file in one project; the real CLI validates them all in one run,
// and each case must produce exactly its error, at its line and column.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, runCli, type CliResult } from '../helpers/cli.js';
import { badCases, id } from './cases.js';

interface JsonError { file: string; line: number; column: number; code: string; message: string }
interface JsonReport { valid: boolean; files: number; mappings: number; errors: JsonError[] }

const cases = badCases();
const fileOf = (index: number) => `mappings/case-${String(index + 1).padStart(2, '0')}.yaml`;

let project: { dir: string; cleanup: () => Promise<void> };
let result: CliResult;
let report: JsonReport;

beforeAll(async () => {
  const files: Record<string, string> = {};
  project = await makeProject(files);
  const { writeFile, mkdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  await mkdir(join(project.dir, 'mappings'), { recursive: true });
  for (const [index, c] of cases.entries()) await writeFile(join(project.dir, fileOf(index)), c.content);
  result = await runCli(['validate', '--format', 'json'], { cwd: project.dir });
  report = JSON.parse(result.stdout) as JsonReport;
});

afterAll(async () => {
  await project?.cleanup();
});

describe('validate: bad input, one problem per file', () => {
  it('has at least 30 distinct cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it('exits 1 and reports every file', () => {
    expect(result.code).toBe(1);
    expect(report.valid).toBe(false);
    expect(report.files).toBe(cases.length);
  });

  it.each(cases.map((c, index) => ({ ...c, index })))('$name → $code at $line:$column', (c) => {
    const errors = report.errors.filter((e) => e.file === fileOf(c.index));
    expect(errors.map((e) => `${e.line}:${e.column} ${e.code}`)).toEqual([`${c.line}:${c.column} ${c.code}`]);
    if (c.says) expect(errors[0]!.message).toContain(c.says);
  });
});

describe('validate: duplicates across files', () => {
  it('names every location, one error per extra occurrence', async () => {
    const crm = id(900);
    const p = await makeProject({
      'mappings/a.yaml': `mappings:\n  - crmUserId: ${crm}\n    outreachUserId: 1\n`,
      'mappings/b.yaml': `mappings:\n  - crmUserId: ${crm.slice(0, 15)}\n    outreachUserId: 2\n  - crmUserId: ${id(901)}\n    outreachUserId: 1\n`,
      'mappings/sub/c.yml': `# third\nmappings:\n  - crmUserId: ${crm}\n    outreachUserId: 3\n`,
    });
    try {
      const r = await runCli(['validate', '--format', 'json'], { cwd: p.dir });
      expect(r.code).toBe(1);
      const out = JSON.parse(r.stdout) as JsonReport;
      expect(out.files).toBe(3);
      expect(out.mappings).toBe(4);
      const where = 'mappings/a.yaml:2, mappings/b.yaml:2, mappings/sub/c.yml:3';
      expect(out.errors).toEqual([
        { file: 'mappings/b.yaml', line: 2, column: 16, code: 'duplicate-crm-id', message: `crmUserId ${crm} is mapped 3 times (its 15- and 18-character forms are the same user): ${where}` },
        { file: 'mappings/b.yaml', line: 5, column: 21, code: 'duplicate-outreach-id', message: 'outreachUserId 1 is mapped 2 times: mappings/a.yaml:3, mappings/b.yaml:5' },
        { file: 'mappings/sub/c.yml', line: 3, column: 16, code: 'duplicate-crm-id', message: `crmUserId ${crm} is mapped 3 times (its 15- and 18-character forms are the same user): ${where}` },
      ]);
    } finally {
      await p.cleanup();
    }
  });
});

describe('validate: refusals that must not hang or crash', () => {
  it('refuses a file over 10 MiB without parsing it', async () => {
    const p = await makeProject({ 'mappings/big.yaml': `mappings: []\n# ${'x'.repeat(10 * 1024 * 1024)}\n` });
    try {
      const r = await runCli(['validate'], { cwd: p.dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^mappings\/big\.yaml:1:1 {2}file-invalid {2}file is 10\.0 MiB, over the 10 MiB limit/m);
    } finally {
      await p.cleanup();
    }
  });

  it('names a missing mappings folder with a hint', async () => {
    const p = await makeProject({ 'README.md': 'not a mapping repo\n' });
    try {
      const r = await runCli(['validate'], { cwd: p.dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('error: mappings folder "mappings" does not exist\nhint: run mapsync from the repository root, or pass --dir (or set mappingsDir in mapsync.config.yaml)\n');
    } finally {
      await p.cleanup();
    }
  });
});
