// `mapsync show`: its flags and help. The work is in ../actions/show.ts, loaded only when it runs.
import { Option, type Command } from 'commander';
import { FORMATS } from '../../plan/render/formats.js';
import { lazyAction } from '../lazyAction.js';
import type { ShowOptions } from '../actions/show.js';

export function registerShow(program: Command): void {
  program
    .command('show')
    .description('render a plan saved with `mapsync plan --out FILE` (no store is contacted)')
    .argument('<planfile>', 'a plan saved with `mapsync plan --out FILE`')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .addHelpText('after', '\nExit codes: 0 shown · 1 the file is missing or not a mapsync plan\n')
    .action(lazyAction<ShowOptions>(async () => (await import('../actions/show.js')).runShow));
}
