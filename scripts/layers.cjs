// The layer rules for dependency-cruiser, built from the one place the layer order is written
// down: the table between the `layers:start` and `layers:end` marks in docs/architecture.md.
// A part (a folder or a file directly under src/) may import its own files, the parts of lower
// layers, and — on the ground floor only — other ground parts; never a higher layer, never a
// sibling on the same floor above the ground. Every part must sit in a layer, so a new folder
// is placed in the docs before it can land. Used by .dependency-cruiser.cjs (the command line)
// and test/architecture/layers.test.ts (npm test).
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `crm/` → ^src/crm/ ; `model.ts` → ^src/model\.ts$ */
function partPattern(part) {
  return part.endsWith('/') ? `^src/${escape(part)}` : `^src/${escape(part)}$`;
}

/** [{ number, name, parts: ['model.ts', 'crm/', …] }] in order, lowest first. */
function readLayers(markdown) {
  const start = markdown.indexOf('<!-- layers:start');
  const end = markdown.indexOf('<!-- layers:end -->');
  if (start < 0 || end < start) throw new Error('docs/architecture.md has no <!-- layers:start --> … <!-- layers:end --> table');
  const layers = [];
  for (const line of markdown.slice(start, end).split('\n')) {
    const row = /^\|\s*(\d+)\s*\|\s*([^|]+?)\s*\|([^|]+)\|/.exec(line);
    if (!row) continue;
    const parts = [...row[3].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    layers.push({ number: Number(row[1]), name: row[2], parts });
  }
  if (layers.length === 0) throw new Error('the layers table in docs/architecture.md has no rows');
  return layers;
}

/** dependency-cruiser's forbidden rules for these layers. */
function layerRules(layers) {
  const rules = [
    {
      name: 'no-circular',
      comment: 'Files that import each other cannot be read, tested or replaced on their own: move the shared piece down.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-in-a-layer',
      comment: 'Every part of src/ sits in one layer: add it to the table in docs/architecture.md.',
      severity: 'error',
      from: { path: '^src/', pathNot: layers.flatMap((l) => l.parts.map(partPattern)) },
      to: {},
    },
  ];
  layers.forEach((layer, index) => {
    const higher = layers.slice(index + 1).flatMap((l) => l.parts.map(partPattern));
    for (const part of layer.parts) {
      const siblings = index === 0 ? [] : layer.parts.filter((p) => p !== part).map(partPattern);
      const forbidden = [...higher, ...siblings];
      if (forbidden.length === 0) continue;
      rules.push({
        name: `layer-${layer.number}-${layer.name.replace(/[^A-Za-z0-9]+/g, '-')}`,
        comment: `${part} (layer ${layer.number}, ${layer.name}) may import only lower layers${index === 0 ? ' and the ground floor' : ''}: see docs/architecture.md`,
        severity: 'error',
        from: { path: partPattern(part) },
        to: { path: forbidden },
      });
    }
  });
  return rules;
}

/** The cruise options every run shares (type-only imports count: a type import is still a dependency). */
const options = {
  doNotFollow: { path: 'node_modules' },
  tsPreCompilationDeps: true,
  tsConfig: { fileName: 'tsconfig.json' },
};

function configFor(root) {
  const layers = readLayers(readFileSync(join(root, 'docs', 'architecture.md'), 'utf8'));
  return { forbidden: layerRules(layers), options };
}

module.exports = { readLayers, layerRules, partPattern, configFor, options };
