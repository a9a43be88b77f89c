// Bundles the compiled CLI (tsc's dist/cli/run.js, the process entry) into dist/bundle/, the
// only code the npm package ships.
//
// Why: an org that installs mapsync should download its runtime, not its libraries' type
// definitions, browser builds and duplicates. Bundling folds every dependency except the
// Salesforce client into a few files (the octokit packages alone installed 34 MB, most of it
// TypeScript types), and pins what runs to the versions package-lock.json resolved and the tests
// ran: npm ignores this package's `overrides` when it is installed as a dependency.
//
// Kept as they are:
// - the lazy `import()`s: code splitting puts each store, directory and command that is loaded on
//   demand in its own chunk, so a command still loads only what it uses;
// - `dependencies` (jsforce's Node build) stay external and are installed by npm;
// - every output file sits two folders below the package root (dist/bundle/*.js), as in dist/,
//   because modules find package.json and schema/ relative to their own URL ('../../').
//
// Run by `npm run build` after tsc (it bundles dist/, so files generated there are included).
import { build } from 'esbuild';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
const outdir = `${root}dist/bundle`;

await rm(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { run: 'dist/cli/run.js' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.11',
  external: Object.keys(manifest.dependencies ?? {}),
  // Chunks beside the entry, never in a subfolder: see "two folders below" above.
  chunkNames: '[name]-[hash]',
  // The CommonJS libraries inside call require() for Node's own modules and read __filename
  // (write-file-atomic names its temporary files with it); an ES module has neither. The file
  // names get names of their own, so a bundled module that declares __filename keeps its own.
  banner: {
    js: [
      "import { createRequire as __mapsyncCreateRequire } from 'node:module';",
      "import { fileURLToPath as __mapsyncFileURLToPath } from 'node:url';",
      'const require = __mapsyncCreateRequire(import.meta.url);',
      'const __mapsyncFilename = __mapsyncFileURLToPath(import.meta.url);',
      "const __mapsyncDirname = __mapsyncFileURLToPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
  define: { __filename: '__mapsyncFilename', __dirname: '__mapsyncDirname' },
  // Maps chained through tsc's own, so `--debug` stack traces name src/*.ts lines; no sources
  // inside them (the tarball stays small; the lines are what a bug report needs).
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
});
// What went into each file, for `npx esbuild --analyze`-style size checks; not shipped.
await writeFile(`${root}dist/bundle.meta.json`, JSON.stringify(result.metafile));
await writeFile(`${outdir}/THIRD-PARTY-LICENSES.txt`, await thirdPartyLicenses(result.metafile));

/**
 * The bundle carries other projects' code, so it carries their licence notices: for every package
 * that went into it, its name, version, licence and licence file, as the package ships them.
 */
async function thirdPartyLicenses(metafile) {
  const packages = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packages.add(match[1]);
  }
  const sections = [];
  for (const dir of [...packages].sort()) {
    const info = JSON.parse(await readFile(`${root}${dir}/package.json`, 'utf8'));
    const files = (await readdir(`${root}${dir}`)).filter((name) => /^(licen[cs]e|copying|notice)/i.test(name)).sort();
    const texts = await Promise.all(files.map((name) => readFile(`${root}${dir}/${name}`, 'utf8')));
    const licence = typeof info.license === 'string' ? info.license : JSON.stringify(info.license ?? info.licenses ?? 'see the package');
    const bodies = texts.length > 0 ? texts.map((text) => text.trim()) : ['(the package ships no licence file; its package.json names the licence above)'];
    sections.push([`${info.name} ${info.version} — ${licence}`, ...bodies].join('\n\n'));
  }
  return [
    'mapsync bundles the following packages into dist/bundle/. Their licences and notices follow.',
    ...sections,
  ].join(`\n\n${'-'.repeat(78)}\n\n`) + '\n';
}
