// `mapsync show PLANFILE`: a saved plan rendered the way `plan` showed it (Terraform's `show`),
// so a reviewer can read what `apply PLANFILE` would do without touching any store.
import { Option, type Command } from 'commander';
import { readPlanFile } from '../../apply/planFile.js';
import { crmIdRules } from '../../crm/index.js';
import { FORMATS, renderAs, type Format } from '../../plan/render/select.js';
import { action } from '../action.js';

interface ShowOptions {
  format: Format;
}

export function registerShow(program: Command): void {
  program
    .command('show')
    .description('render a plan saved with `mapsync plan --out FILE` (no store is contacted)')
    .argument('<planfile>', 'a plan saved with `mapsync plan --out FILE`')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .addHelpText('after', '\nExit codes: 0 shown · 1 the file is missing or not a mapsync plan\n')
    .action(action<ShowOptions>(async (options, context, args) => {
      const plan = await readPlanFile(args[0]!, crmIdRules(context.config.crm));
      context.print(renderAs(options.format, plan, { colors: context.colors, mode: 'plan' }));
      return 0;
    }));
}
