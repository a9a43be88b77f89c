// The process entry point: bin/mapsync.js imports this module, which runs the process's own
// command line and leaves the exit code for Node to use once the last handle has closed. Tests
// call main() from main.ts in-process instead (test/helpers/cli.ts), so importing main.ts must not
// run anything; this file is the only one with that side effect.
import { main } from './main.js';

process.exitCode = await main(process.argv);
