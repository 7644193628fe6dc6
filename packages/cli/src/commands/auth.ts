import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { createClient } from '../api.js';
import {
  configPath,
  DEFAULT_API_URL,
  readConfigFile,
  removeConfigFile,
  requireKey,
  writeConfigFile,
} from '../config.js';
import { Context } from '../context.js';
import { CliError } from '../errors.js';
import { VERSION } from '../version.js';

/** One line from stdin: typed at the prompt, or piped (`echo $KEY | hb login`). */
function readLine(): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, terminal: false });
    let done = false;
    rl.once('line', (line) => {
      done = true;
      rl.close();
      resolve(line);
    });
    rl.once('close', () => {
      if (!done) reject(new CliError('could not read input: EOF'));
    });
  });
}

interface Project {
  id: string;
  name: string;
}

/** The key's own project, where the server shows it to API keys (this one does; the hosted API does not). */
async function projectOf(client: ReturnType<typeof createClient>): Promise<Project | null> {
  try {
    const projects = (await client.projects.list()) as Project[];
    return projects.length === 1 ? projects[0]! : null;
  } catch {
    return null;
  }
}

export function authCommands(program: Command): void {
  program
    .command('version')
    .description('Print the CLI version')
    .action((_options, command: Command) => {
      const { printer } = Context.of(command);
      if (printer.json) printer.emit({ version: VERSION });
      else printer.out(`hb version ${VERSION}\n`);
    });

  program
    .command('login')
    .description('Authenticate with your HookBridge API key')
    .option('--api-key <key>', 'API key (non-interactive)')
    .option('--api-url <url>', 'API base URL of a self-hosted server (saved)')
    .option('--stream-url <url>', 'WebSocket stream URL (saved; default: the API URL as ws://)')
    .action(async (options: { apiKey?: string; apiUrl?: string; streamUrl?: string }, command: Command) => {
      const { printer } = Context.of(command);
      let key = options.apiKey?.trim() ?? '';
      if (!key) {
        printer.note('Enter your HookBridge API key: ');
        key = (await readLine()).trim();
      }
      if (!key) throw new CliError('API key cannot be empty');
      const existing = readConfigFile();
      const apiUrl = (
        options.apiUrl ??
        process.env.HB_API_URL ??
        existing?.api_base_url ??
        DEFAULT_API_URL
      ).replace(/\/+$/, '');
      printer.out('Verifying... ');
      const client = createClient(key, apiUrl);
      try {
        await client.apiKeys.list();
      } catch (error) {
        printer.out('FAILED\n');
        throw error;
      }
      printer.out('OK\n');
      const project = await projectOf(client);
      const apiBase = options.apiUrl ?? existing?.api_base_url;
      const streamUrl = options.streamUrl ?? existing?.stream_url;
      const path = writeConfigFile({
        api_key: key,
        project_id: project?.id ?? '',
        ...(apiBase ? { api_base_url: apiBase.replace(/\/+$/, '') } : {}),
        ...(streamUrl ? { stream_url: streamUrl.replace(/\/+$/, '') } : {}),
      });
      printer.out(`Project: ${project?.name ?? 'authenticated'}\n`);
      printer.out(`Credentials saved to ${path}\n`);
    });

  program
    .command('logout')
    .description('Remove stored credentials')
    .action((_options, command: Command) => {
      removeConfigFile();
      Context.of(command).printer.out('Logged out successfully.\n');
    });

  program
    .command('whoami')
    .description('Show the project, key and servers hb uses')
    .action(async (_options, command: Command) => {
      const ctx = Context.of(command);
      const settings = ctx.settings();
      const key = requireKey(settings);
      const client = ctx.client();
      await client.apiKeys.list();
      const project = await projectOf(client);
      const info = {
        project_id: project?.id ?? null,
        project_name: project?.name ?? null,
        key: `${key.slice(0, 12)}…`,
        api_url: settings.apiUrl,
        stream_url: settings.streamUrl,
        config: configPath(),
      };
      if (ctx.json) return ctx.printer.emit(info);
      ctx.printer.out(
        `Project:    ${project ? `${project.name} (${project.id})` : 'authenticated'}\n` +
          `API key:    ${info.key}\nAPI URL:    ${info.api_url}\nStream URL: ${info.stream_url}\nConfig:     ${info.config}\n`,
      );
    });
}
