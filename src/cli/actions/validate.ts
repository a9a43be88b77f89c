// `mapsync validate`: schema, ID and uniqueness checks of the mapping files. No network.
// (Its flags and help are in ../commands/validate.ts.)
import { loadDesiredDetails } from '../../desired/load.js';
import { crmIdRules } from '../../crm/index.js';
import { invalidVerdict, renderGithub, renderJson, renderSummary, renderText, type ValidateFormat } from '../../desired/report.js';
import { appendStepSummary } from '../../github/stepSummary.js';
import type { CommandRunner } from '../action.js';

export interface ValidateOptions {
  dir?: string;
  format: ValidateFormat;
}

export const runValidate: CommandRunner<ValidateOptions> = async (options, context) => {
  const dir = options.dir ?? context.config.mappingsDir;
  const result = await loadDesiredDetails(dir, process.cwd(), crmIdRules(context.config.crm));
  if (result.state.files.length === 0) context.log.warn(`no *.yaml or *.yml files under ${dir}: nothing is mapped`);
  if (options.format === 'json') {
    context.print(renderJson(result));
  } else if (options.format === 'github') {
    context.print(renderGithub(result));
    const verdict = result.errors.length === 0 ? `valid: ${result.state.files.length} file(s)` : `invalid: ${invalidVerdict(result)}`;
    context.log.info(`mapsync validate: ${verdict}`);
  } else {
    context.print(renderText(result, context.colors));
  }
  await appendStepSummary(renderSummary(result), context.env);
  return result.errors.length === 0 ? 0 : 1;
};
