// Progress of a long apply on stderr: a bar on a terminal, plain lines in CI logs (every 10% or
// every 5 seconds, whichever comes first), and a line whenever the store has to wait (rate limits).
import cliProgress from 'cli-progress';
import type { ApplyProgress } from '../stores/store.js';

/** Applies smaller than this finish too quickly for progress to help. */
export const PROGRESS_MIN_CHANGES = 100;
const LINE_EVERY_MS = 5000;

export interface ProgressReporter {
  update(progress: ApplyProgress): void;
  finish(): void;
}

export interface ProgressOptions {
  total: number;
  isTTY: boolean;
  stream: NodeJS.WritableStream;
  /** Plain lines (non-TTY). */
  line(text: string): void;
  now?: () => number;
}

const waitText = (p: ApplyProgress) => `waiting ${Math.ceil((p.waitingMs ?? 0) / 1000)}s (${p.reason ?? 'the store asked to wait'})`;

export function createProgressReporter(options: ProgressOptions): ProgressReporter {
  const now = options.now ?? Date.now;
  if (options.isTTY) {
    let bar: cliProgress.SingleBar | undefined;
    const start = (p: ApplyProgress) => {
      bar = new cliProgress.SingleBar(
        { format: 'applying [{bar}] {value}/{total} {status}', stream: options.stream, hideCursor: true, clearOnComplete: false },
        cliProgress.Presets.shades_classic,
      );
      bar.start(options.total, p.done, { status: '' });
    };
    return {
      update(p) {
        if (!bar && (options.total >= PROGRESS_MIN_CHANGES || p.waitingMs)) start(p);
        bar?.update(p.done, { status: p.waitingMs ? waitText(p) : '' });
      },
      finish() {
        bar?.stop();
      },
    };
  }
  let lastLine = now();
  let lastTenth = 0;
  let lastWait = '';
  return {
    update(p) {
      if (p.waitingMs) {
        const text = waitText(p);
        if (text !== lastWait) options.line(`${p.done}/${p.total} applied; ${text}`);
        lastWait = text;
        return;
      }
      lastWait = '';
      if (options.total < PROGRESS_MIN_CHANGES || p.done >= p.total) return;
      const tenth = Math.floor((p.done / p.total) * 10);
      if (tenth > lastTenth || now() - lastLine >= LINE_EVERY_MS) {
        options.line(`${p.done}/${p.total} applied (${Math.floor((p.done / p.total) * 100)}%)`);
        lastTenth = tenth;
        lastLine = now();
      }
    },
    finish() {},
  };
}
