// `npx depcruise src` checks the layers written in docs/architecture.md (rules: scripts/layers.cjs).
module.exports = require('./scripts/layers.cjs').configFor(__dirname);
