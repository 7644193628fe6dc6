import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from './errors.js';

export const DEFAULT_API_URL = 'https://api.hookbridge.io';
export const DEFAULT_STREAM_URL = 'wss://stream.hookbridge.io';

/** `~/.hookbridge/config.json`, the official CLI's file and field names. */
export interface ConfigFile {
  api_key?: string;
  project_id?: string;
  api_base_url?: string;
  stream_url?: string;
}

export interface Settings {
  apiKey: string | null;
  apiUrl: string;
  streamUrl: string;
  file: ConfigFile | null;
}

export function configPath(): string {
  return join(homedir(), '.hookbridge', 'config.json');
}

export function readConfigFile(): ConfigFile | null {
  let text: string;
  try {
    text = readFileSync(configPath(), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`could not read config: ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as ConfigFile;
  } catch (error) {
    throw new CliError(`could not parse config: ${(error as Error).message}`);
  }
}

/** Written 0600 in a 0700 directory: the file holds the API key. */
export function writeConfigFile(config: ConfigFile): string {
  const path = configPath();
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // writeFileSync keeps the mode of a file that already exists.
  chmodSync(path, 0o600);
  return path;
}

export function removeConfigFile(): void {
  rmSync(configPath(), { force: true });
}

function env(name: string): string | null {
  const value = process.env[name];
  return value ? value : null;
}

/**
 * Precedence as in the official CLI: environment, then the file, then the default. One addition: with a
 * custom API URL and no stream URL, the stream is the API's own address (this server serves both).
 */
export function resolveSettings(): Settings {
  const file = readConfigFile();
  const apiUrl = (env('HB_API_URL') ?? file?.api_base_url ?? DEFAULT_API_URL).replace(/\/+$/, '');
  const explicitStream = env('HB_STREAM_URL') ?? file?.stream_url ?? null;
  const streamUrl = (
    explicitStream ?? (apiUrl === DEFAULT_API_URL ? DEFAULT_STREAM_URL : apiUrl.replace(/^http/, 'ws'))
  ).replace(/\/+$/, '');
  return { apiKey: env('HB_API_KEY') ?? file?.api_key ?? null, apiUrl, streamUrl, file };
}

export function requireKey(settings: Settings): string {
  if (!settings.apiKey) throw new CliError("not logged in — run 'hb login' first");
  return settings.apiKey;
}
