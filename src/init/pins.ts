// Third-party actions, each pinned to the full commit SHA of a release (a tag can be moved; a
// commit cannot). The same pins are in this repository's own workflows and action.yml; the
// security test checks every `uses:` against the 40-hex form. When Dependabot moves a pin in
// .github/workflows/ or action.yml, move it here too and run `node scripts/workflows.mjs`:
// test/init/workflows.test.ts fails until the three agree.
export const PINNED = {
  checkout: 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1',
  setupNode: 'actions/setup-node@820762786026740c76f36085b0efc47a31fe5020 # v7.0.0',
  cache: 'actions/cache@27d5ce7f107fe9357f9df03efb73ab90386fccae # v5.0.5',
  uploadArtifact: 'actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f # v7.0.0',
  downloadArtifact: 'actions/download-artifact@37930b1c2abaa49bbe596cd826c3c89aef350131 # v7.0.0',
} as const;
