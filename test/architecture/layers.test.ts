// The guard that keeps the layers of docs/architecture.md: dependency-cruiser with the rules of
// scripts/layers.cjs over src/ (no import up a layer, none between siblings above the ground, no
// file circle, every part placed), plus circles between the top-level parts, which the cruiser
// does not see. The same guard is run over a tiny tree with bad imports, to show it can fail.
import { readdirSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

const require = createRequire(import.meta.url);
const { configFor, options } = require('../../scripts/layers.cjs') as {
  configFor(root: string): { forbidden: unknown[] };
  options: Record<string, unknown>;
};

interface Verdict {
  /** "rule: from → to", one per violation (a circle is reported once, from one of its files). */
  violations: string[];
  /** Circles between the top-level parts of src/, each as "a → b → a". */
  partCircles: string[];
  /** Files of src/ read, and the imports between them that were resolved (a guard that read nothing proves nothing). */
  files: number;
  imports: number;
}

/** The top-level part of a path under src/: "src/crm/index.ts" → "crm/", "src/model.ts" → "model.ts". */
function partOf(path: string): string | undefined {
  const match = /^src\/([^/]+)(\/)?/.exec(path);
  return match ? match[1]! + (match[2] ?? '') : undefined;
}

/** Strongly connected parts with more than one member (Tarjan), each as a readable circle. */
function circlesBetweenParts(result: ICruiseResult): string[] {
  const edges = new Map<string, Set<string>>();
  for (const module of result.modules) {
    const from = partOf(module.source);
    if (!from) continue;
    if (!edges.has(from)) edges.set(from, new Set());
    for (const dependency of module.dependencies) {
      const to = partOf(dependency.resolved);
      if (to && to !== from) edges.get(from)!.add(to);
    }
  }
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const circles: string[] = [];
  const visit = (part: string) => {
    index.set(part, next);
    low.set(part, next);
    next += 1;
    stack.push(part);
    for (const to of edges.get(part) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(part, Math.min(low.get(part)!, low.get(to)!));
      } else if (stack.includes(to)) {
        low.set(part, Math.min(low.get(part)!, index.get(to)!));
      }
    }
    if (low.get(part) !== index.get(part)) return;
    const members: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      members.push(member);
    } while (member !== part);
    if (members.length > 1) circles.push([...members.sort(), members[0]].join(' → '));
  };
  for (const part of [...edges.keys()].sort()) if (!index.has(part)) visit(part);
  return circles;
}

/** Runs the guard over `root`/src with the layers of `root`/docs/architecture.md. */
async function guard(root: string): Promise<Verdict> {
  const { forbidden } = configFor(root);
  // baseDir, not process.chdir: the test may run in a worker thread, where chdir is not allowed.
  const { output } = await cruise(['src'], { ...options, validate: true, ruleSet: { forbidden } as never, baseDir: root, outputType: 'json' });
  const result = (typeof output === 'string' ? JSON.parse(output) : output) as ICruiseResult;
  return {
    violations: result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort(),
    partCircles: circlesBetweenParts(result),
    files: new Set(result.modules.filter((m) => m.source.startsWith('src/')).map((m) => m.source)).size,
    imports: result.modules.flatMap((m) => m.dependencies).filter((d) => d.resolved.startsWith('src/')).length,
  };
}

describe('the layers of docs/architecture.md', () => {
  it('hold over src/: no import up a layer or across a floor, no circle between files or parts, every part placed', async () => {
    const { violations, partCircles, files, imports } = await guard(REPO_ROOT);
    expect({ violations, partCircles }).toEqual({ violations: [], partCircles: [] });
    // Every .ts file under src/ was read and its relative `./x.js` imports resolved to the .ts files
    // (and the one .js file, desired/mappingFileValidator.js, the schema validator's fallback).
    const onDisk = readdirSync(join(REPO_ROOT, 'src'), { recursive: true }).filter((f) => /\.(ts|js)$/.test(String(f))).length;
    expect(files).toBe(onDisk);
    expect(imports).toBeGreaterThan(3 * files);
  }, 180_000);

  it('fail a tree that imports up a layer, across a floor, round a circle, or from an unplaced part', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mapsync-layers-'));
    try {
      const file = async (path: string, text: string) => {
        await mkdir(dirname(join(root, path)), { recursive: true });
        await writeFile(join(root, path), text);
      };
      // The real layer table, so the test exercises the rules the repository is held to.
      await file('docs/architecture.md', await readFile(join(REPO_ROOT, 'docs/architecture.md'), 'utf8'));
      await file('tsconfig.json', await readFile(join(REPO_ROOT, 'tsconfig.json'), 'utf8'));
      await file('src/cli/main.ts', "import { plan } from '../plan/plan.js';\nexport const main = plan;\n");
      // Up a layer: a store reaching for GitHub.
      await file('src/github/lease.ts', 'export const lease = 1;\n');
      await file('src/stores/store.ts', "import { lease } from '../github/lease.js';\nexport const store = lease;\n");
      // Across a floor: one client importing another.
      await file('src/outreach/client.ts', 'export const outreach = 1;\n');
      await file('src/salesforce/client.ts', "import { outreach } from '../outreach/client.js';\nexport const salesforce = outreach;\n");
      // A circle between two files of one part.
      await file('src/plan/plan.ts', "import { view } from './view.js';\nexport const plan = () => view;\n");
      await file('src/plan/view.ts', "import { plan } from './plan.js';\nexport const view = () => plan;\n");
      // A circle between two ground parts that no two files make (ground parts may import each
      // other, never round a circle): config.ts → crm/rules.ts, crm/index.ts → config.ts.
      await file('src/config.ts', "import type { CrmName } from './crm/rules.js';\nexport const CONFIG_FILE = 'x.yaml';\nexport type Config = { crm: CrmName };\n");
      await file('src/crm/rules.ts', "export type CrmName = 'salesforce';\n");
      await file('src/crm/index.ts', "import { CONFIG_FILE } from '../config.js';\nexport const hint = CONFIG_FILE;\n");
      // A part nobody placed.
      await file('src/stray.ts', "import { store } from './stores/store.js';\nexport const stray = store;\n");

      const verdict = await guard(root);
      expect(verdict.violations).toEqual(
        [
          'layer-4-stores: src/stores/store.ts → src/github/lease.ts',
          'layer-2-sources: src/salesforce/client.ts → src/outreach/client.ts',
          'no-circular: src/plan/plan.ts → src/plan/view.ts',
          'not-in-a-layer: src/stray.ts → src/stores/store.ts',
        ].sort(),
      );
      expect(verdict.partCircles).toEqual(['config.ts → crm/ → config.ts']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 180_000);
});
