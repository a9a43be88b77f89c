// Placeholder until the owning issue lands: registers the command so --help lists it.
import type { Command } from 'commander';
import { MapsyncError } from '../../errors.js';
import { action } from '../action.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('(not built yet)')
    .action(action(async () => {
      throw new MapsyncError('validate is not built yet');
    }));
}
