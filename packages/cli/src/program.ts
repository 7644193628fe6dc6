import { Command } from 'commander';
import { apiCommands } from './commands/api-verbs.js';
import { authCommands } from './commands/auth.js';
import { completionCommand } from './commands/completion.js';
import { endpointsCommand } from './commands/endpoints.js';
import { listenCommand } from './commands/listen.js';
import { messageCommands } from './commands/messages.js';
import { observabilityCommands } from './commands/observability.js';
import { verifyCommand } from './commands/verify.js';
import { VERSION } from './version.js';

/** Every command; `hb --help` lists them in this order. */
export function buildProgram(): Command {
  const program = new Command('hb')
    .description('HookBridge CLI — receive webhooks locally, and the whole HookBridge API from the terminal')
    .version(VERSION, '--version', 'Print the CLI version')
    .option('--json', 'Output machine-readable JSON on stdout')
    .option('--no-color', 'Disable ANSI colour output')
    .showSuggestionAfterError(true);
  authCommands(program);
  endpointsCommand(program);
  listenCommand(program);
  apiCommands(program);
  messageCommands(program);
  observabilityCommands(program);
  verifyCommand(program);
  completionCommand(program);
  return program;
}
