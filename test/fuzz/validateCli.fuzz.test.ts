// Fuzzing `mapsync validate --format json` through the real CLI (a process per run, so a modest
// 80 runs): whatever the files hold, it exits 0 or 1 within the timeout, prints one JSON report
// on stdout, never a stack trace or an "unexpected error" line, and the report obeys the
// contract (valid ⇔ no errors ⇔ exit 0; file, line ≥ 1, column ≥ 1, known code).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';
import { mappingProject, runs, seed } from './mappingFiles.js';
import { errorProblems } from './properties.js';

describe('mapsync validate --format json on random near-valid mapping files', () => {
  it('exits 0 or 1, prints a well-formed report and never a stack trace', async () => {
    const outcomes = { valid: 0, invalid: 0 };
    await fc.assert(
      fc.asyncProperty(mappingProject, async (files) => {
        const project = await makeProject();
        try {
          await mkdir(join(project.dir, 'mappings'), { recursive: true });
          for (const file of files) {
            await mkdir(dirname(join(project.dir, file.path)), { recursive: true });
            await writeFile(join(project.dir, file.path), file.bytes);
          }
          const result = await runCli(['validate', '--format', 'json'], { cwd: project.dir, timeoutMs: 20_000 });
          expect(result.signal, 'killed: the CLI hung').toBeNull();
          expect([0, 1]).toContain(result.code);
          expect(result.stderr).not.toMatch(/^\s+at /m);
          expect(result.stderr).not.toMatch(/--debug for details/);
          const report = JSON.parse(result.stdout) as { valid: boolean; files: number; mappings: number; errors: { file: string; line: number; column: number; code: string; message: string }[] };
          expect(report.valid).toBe(report.errors.length === 0);
          expect(result.code).toBe(report.valid ? 0 : 1);
          expect(report.files).toBe(files.length);
          expect(Number.isInteger(report.mappings) && report.mappings >= 0).toBe(true);
          expect(errorProblems(report.errors, files)).toEqual([]);
          outcomes[report.valid ? 'valid' : 'invalid']++;
        } finally {
          await project.cleanup();
        }
      }),
      { seed: seed(424242), numRuns: runs(80), verbose: 1 },
    );
    console.log(`fuzz validate CLI: ${outcomes.valid} valid, ${outcomes.invalid} invalid projects`);
    expect(outcomes.invalid).toBeGreaterThan(0);
  }, 600_000);
});
