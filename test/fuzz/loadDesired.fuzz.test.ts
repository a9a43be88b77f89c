// Fuzzing the loader in-process (loadDesiredDetails from dist/, as the CLI runs it): 1,500
// near-valid projects. It never throws, every error is well-formed, and a project that
// validates yields exactly the canonical IDs its files say. Seeds are fixed; a failure prints
// the seed and the counterexample (FUZZ_SEED / FUZZ_RUNS reproduce or widen a run).
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDesiredDetails } from '../../dist/desired/load.js';
import { mappingProject, runs, seed, type GeneratedFile } from './mappingFiles.js';
import { errorProblems, stateProblems } from './properties.js';

let root: string;
let counter = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mapsync-fuzz-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function writeProject(files: GeneratedFile[]): Promise<string> {
  const dir = join(root, `p${counter++}`);
  await mkdir(join(dir, 'mappings'), { recursive: true });
  for (const file of files) {
    await mkdir(dirname(join(dir, file.path)), { recursive: true });
    await writeFile(join(dir, file.path), file.bytes);
  }
  return dir;
}

describe('loadDesired on random near-valid mapping files', () => {
  it('never throws; errors are well-formed; valid ⇔ no errors; valid IDs are canonical and as written', async () => {
    let valid = 0;
    let invalid = 0;
    const codes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(mappingProject, async (files) => {
        const dir = await writeProject(files);
        try {
          const result = await loadDesiredDetails('mappings', dir);
          expect(errorProblems(result.errors, files)).toEqual([]);
          expect(result.state.files.sort()).toEqual(files.map((f) => f.path).sort());
          if (result.errors.length === 0) {
            valid++;
            expect(stateProblems(result.state.mappings, files)).toEqual([]);
            expect(result.state.mappings.length).toBe(result.entries);
          } else {
            invalid++;
            for (const e of result.errors) codes.add(e.code);
            // Invalid entries never become mappings: fewer mappings than entries.
            expect(result.state.mappings.length).toBeLessThanOrEqual(result.entries);
          }
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }),
      { seed: seed(20261124), numRuns: runs(1500), timeout: 10_000, verbose: 1 },
    );
    console.log(`fuzz loadDesired: ${valid} valid, ${invalid} invalid projects; codes seen: ${[...codes].sort().join(", ")}`);
    // The generator reaches both outcomes and most error codes (else the fuzzing is shallow).
    expect(valid).toBeGreaterThan(20);
    expect(invalid).toBeGreaterThan(500);
    expect([...codes].sort()).toEqual(expect.arrayContaining(['crm-id-checksum', 'crm-id-format', 'crm-id-prefix', 'duplicate-crm-id', 'file-invalid', 'schema', 'yaml-syntax']));
  }, 600_000);
});
