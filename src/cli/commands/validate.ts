// `mapsync validate`: schema, ID and uniqueness checks of the mapping files. No network.
import { Option, type Command } from 'commander';
import { action } from '../action.js';
import { loadDesiredDetails } from '../../desired/load.js';
import { crmIdRules } from '../../crm/index.js';
import { invalidVerdict, renderGithub, renderJson, renderSummary, renderText, type ValidateFormat } from '../../desired/report.js';
import { appendStepSummary } from '../../github/index.js';

interface ValidateOptions {
  dir?: string;
  format: ValidateFormat;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check the mapping files: schema, CRM user IDs (as the crm setting says), uniqueness across files (no network)')
    .option('--dir <folder>', 'folder holding the mapping files (default: mappingsDir from the config, "mappings")')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'github']).default('text'))
    .addHelpText('after', '\nExit codes: 0 valid, 1 invalid (or the folder is missing).')
    .action(action<ValidateOptions>(async (options, context) => {
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
    }));
}
