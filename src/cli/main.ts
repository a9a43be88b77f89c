// The mapsync command line: global flags, then one thin module per command. Each registers its
// flags and help only; its code is imported when it runs (lazyAction.ts), so a command loads only
// what it uses: keep the imports here and in commands/ light (test/cli/startupLoads.test.ts).
// `main(argv)` runs one command line and resolves to its exit code; bin/mapsync.js (through
// run.ts) and the in-process test runner (test/helpers/cli.ts) both call it, so the tests
// exercise exactly what admins run. Importing this module runs nothing.
import { Command, CommanderError } from 'commander';
import { argvWantsJson, errorDocument } from './jsonErrors.js';
import { redact } from '../secrets.js';
import { registerValidate } from './commands/validate.js';
import { registerFmt } from './commands/fmt.js';
import { registerPlan } from './commands/plan.js';
import { registerApply } from './commands/apply.js';
import { registerDrift } from './commands/drift.js';
import { registerImport } from './commands/import.js';
import { registerRestore } from './commands/restore.js';
import { registerShow } from './commands/show.js';
import { registerSuggest } from './commands/suggest.js';
import { registerInit } from './commands/init.js';
import { packageVersion } from './version.js';

/** A fresh program for one command line (commander keeps parsed values on the Command). */
function buildProgram(argv: readonly string[]): Command {
  const program = new Command('mapsync')
    .description('GitOps for CRM user mappings: validate, plan and apply CRM (Salesforce or Dynamics 365) <-> Outreach user mappings kept as YAML')
    .version(packageVersion(), '--version', 'print the mapsync version')
    .option('--config <file>', 'settings file', undefined)
    .option('--debug', 'show stack traces and request details (never credentials)')
    .option('--no-color', 'plain output even on a terminal')
    .showHelpAfterError('(run with --help for usage)')
    // commander prints argument errors itself ("argument 'VALUE' is invalid"): mask secrets there too.
    // With --format json, the usage error is also stdout's one JSON document (CONTRACT §3).
    .configureOutput({
      outputError: (text, write) => {
        write(redact(text));
        if (argvWantsJson(argv)) {
          const message = text.split('\n')[0]!.replace(/^error: /, '');
          process.stdout.write(redact(errorDocument([{ code: 'usage', message }])));
        }
      },
    })
    // Where commander would call process.exit (--help, --version, a usage error) it throws instead,
    // and main() returns that exit code: the caller decides how the process ends.
    .exitOverride()
    .configureHelp({ showGlobalOptions: true });

  registerValidate(program);
  registerFmt(program);
  registerPlan(program);
  registerApply(program);
  registerDrift(program);
  registerImport(program);
  registerRestore(program);
  registerShow(program);
  registerSuggest(program);
  registerInit(program);
  return program;
}

/** Runs one command line (`argv` as process.argv: node, script, then the arguments); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  process.exitCode = undefined;
  try {
    await buildProgram(argv).parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    const { reportError } = await import('./action.js');
    return reportError(err, argv.includes('--debug'), { json: argvWantsJson(argv) });
  }
  return typeof process.exitCode === 'number' ? process.exitCode : Number(process.exitCode ?? 0);
}
