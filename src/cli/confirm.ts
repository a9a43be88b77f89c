// The Terraform-style confirmation shared by apply and restore: "yes" on a terminal, or an
// explicit --auto-approve; anywhere else (CI, pipes) the command refuses instead of guessing.
import { createInterface } from 'node:readline/promises';
import { MapsyncError } from '../errors.js';
import type { CommandContext } from '../context.js';

async function askYes(prompt: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    // Ctrl-C and end of input (Ctrl-D) are answers too: "no".
    const interrupted = new Promise<string>((resolve) => {
      rl.on('SIGINT', () => resolve(''));
      rl.on('close', () => resolve(''));
    });
    const answer = await Promise.race([rl.question(`\n${prompt} Only 'yes' will be accepted: `), interrupted]);
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

/** Returns when the user confirmed (or --auto-approve); throws a one-line refusal otherwise. */
export async function confirmOrRefuse(args: { context: CommandContext; autoApprove: boolean; verb: 'apply' | 'restore'; question: string; hint: string }): Promise<void> {
  if (args.autoApprove) return;
  if (!args.context.stdinIsTTY || !args.context.stdoutIsTTY) {
    throw new MapsyncError(`${args.verb} needs confirmation, and there is no terminal to ask on`, { hint: args.hint });
  }
  if (!(await askYes(args.question))) throw new MapsyncError(`${args.verb} cancelled: only 'yes' is accepted; nothing was changed`);
}
