// Placeholder until the owning issue lands: registers the command so --help lists it.
import type { Command } from 'commander';
import { MapsyncError } from '../../errors.js';
import { action } from '../action.js';

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('(not built yet)')
    .action(action(async () => {
      throw new MapsyncError('import is not built yet');
    }));
}
