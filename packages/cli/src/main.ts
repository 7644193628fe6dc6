import { CommanderError } from 'commander';
import { describeError } from './api.js';
import { buildProgram } from './program.js';

/**
 * Exit codes as the official CLI (cobra) has them: 0 on success (and after Ctrl-C ends `listen`), 1 for
 * every error, printed as `Error: <message>` on stderr — usage errors included. `--help` exits 0.
 */
async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const errorsToStderr = (cmd: typeof program) => {
    cmd.exitOverride();
    cmd.configureOutput({
      outputError: (text, write) => write(`Error: ${text.replace(/^error: /, '')}`),
    });
    for (const sub of cmd.commands) errorsToStderr(sub);
  };
  errorsToStderr(program);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    const failure = describeError(error);
    process.stderr.write(`Error: ${failure.message}\n`);
    return failure.exitCode;
  }
}

const code = await main(process.argv);
// Keep-alive sockets of the HTTP clients would hold the process open for seconds after the answer.
process.stdout.write('', () => process.exit(code));
