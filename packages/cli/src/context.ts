import type { Command } from 'commander';
import { type CliClient, createClient } from './api.js';
import { requireKey, resolveSettings, type Settings } from './config.js';
import { colourEnabled, Printer } from './output.js';

export interface GlobalOptions {
  json?: boolean;
  color?: boolean;
}

/** What every command needs: the printer for its output flags, the settings, and an SDK client. */
export class Context {
  readonly printer: Printer;
  private cachedSettings: Settings | null = null;

  constructor(readonly options: GlobalOptions) {
    const json = options.json === true;
    this.printer = new Printer(json, colourEnabled(json, options.color === false));
  }

  static of(command: Command): Context {
    return new Context(command.optsWithGlobals<GlobalOptions>());
  }

  get json(): boolean {
    return this.printer.json;
  }

  settings(): Settings {
    this.cachedSettings ??= resolveSettings();
    return this.cachedSettings;
  }

  client(apiKey?: string, apiUrl?: string): CliClient {
    const settings = this.settings();
    return createClient(apiKey ?? requireKey(settings), apiUrl ?? settings.apiUrl);
  }
}
