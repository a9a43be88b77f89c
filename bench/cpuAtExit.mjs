// Preloaded (`node --import`) into every process bench/startup.bench.mjs times, `node -e 0`
// included: at exit, writes the process's CPU time so far (user + system, µs, all threads) to
// MAPSYNC_BENCH_CPU_FILE. Finer than GNU time's 10 ms ticks, and the same small cost in every job.
import { writeFileSync } from 'node:fs';

const file = process.env.MAPSYNC_BENCH_CPU_FILE;
if (file) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    writeFileSync(file, String(user + system));
  });
}
