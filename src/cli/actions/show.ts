// `mapsync show PLANFILE`: a saved plan rendered the way `plan` showed it (Terraform's `show`),
// so a reviewer can read what `apply PLANFILE` would do without touching any store.
import { readPlanFile } from '../../apply/planFile.js';
import { crmIdRules } from '../../crm/index.js';
import { renderAs, type Format } from '../../plan/render/select.js';
import type { CommandRunner } from '../action.js';

export interface ShowOptions {
  format: Format;
}

export const runShow: CommandRunner<ShowOptions> = async (options, context, args) => {
  const plan = await readPlanFile(args[0]!, crmIdRules(context.config.crm));
  context.print(renderAs(options.format, plan, { colors: context.colors, mode: 'plan' }));
  return 0;
};
