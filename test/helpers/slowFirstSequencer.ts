// Starts the longest test files first, so that no long file starts last and leaves the other
// workers idle while it runs. Vitest orders by the durations it cached from the last run; a
// fresh clone has none (it would start the largest files first), so the files known to be long
// come first here, in this order, and the rest in Vitest's own order. Measured per file in
// docs/benchmarks.md (test suite); a file that grows long belongs in this list.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const LONG_FIRST = [
  'test/faults/interrupts.test.ts',
  'test/faults/httpCli.test.ts',
  'test/faults/salesforce.faults.test.ts',
  'test/faults/outreach.faults.test.ts',
  'test/faults/dynamics.faults.test.ts',
  'test/faults/dynamicsCli.test.ts',
  'test/faults/fileKill.test.ts',
  'test/apply/concurrency.test.ts',
  'test/github/sharedLock.test.ts',
  'test/security/secrets.test.ts',
];

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const at = LONG_FIRST.findIndex((path) => spec.moduleId.endsWith(path));
      return at === -1 ? LONG_FIRST.length : at;
    };
    // Array.prototype.sort is stable: the rest keep Vitest's order.
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}
