import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/helpers/slowFirstSequencer.js';

// How the suite is organised and how to run one file: docs/testing.md.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Most tests run the real CLI (in-process, test/helpers/cli.ts) and talk HTTP to local servers.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One process per test file: the in-process CLI runner changes the process's cwd and
    // environment while a command runs, which a worker thread cannot do and no other file may see.
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: a single worker on a 2-core machine.
    // Much of a test file's time is spent waiting (Retry-After, back-off, leases, child processes),
    // so files run two per core.
    maxWorkers: Math.max(2, 2 * availableParallelism()),
    // The long files first, also on a fresh clone (no cached durations).
    sequence: { sequencer: SlowFirstSequencer },
    reporters: ['default', './test/helpers/countsReporter.ts'],
  },
});
