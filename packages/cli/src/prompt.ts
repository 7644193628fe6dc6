import { createInterface } from 'node:readline';
import { CliError } from './errors.js';
import type { Printer } from './output.js';

/**
 * Asks `question [y/N]` when stdin is a terminal; without one (scripts, CI) it proceeds only with
 * `force` (--yes / --force), so nothing destructive runs unasked. A "no" exits non-zero ("aborted").
 */
export async function confirm(
  printer: Printer,
  question: string,
  force: boolean,
  requireTty = true,
): Promise<void> {
  if (force) return;
  if (!process.stdin.isTTY) {
    if (!requireTty) return;
    throw new CliError('refusing to proceed without confirmation: pass --yes (stdin is not a terminal)');
  }
  printer.note(`${question} [y/N]: `);
  const answer = await new Promise<string>((resolve) => {
    const rl = createInterface({ input: process.stdin, terminal: false });
    rl.once('line', (line) => {
      // Before close(): it emits 'close' at once, which would answer "" first.
      resolve(line);
      rl.close();
    });
    rl.once('close', () => resolve(''));
  });
  if (!['y', 'yes'].includes(answer.trim().toLowerCase())) throw new CliError('aborted');
}
