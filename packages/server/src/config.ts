import { resolve } from 'node:path';

/**
 * Every setting HookBridge reads, parsed and validated once. Nothing else reads `process.env`.
 * The README's configuration table lists exactly these variables (a test keeps the two in step).
 */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  databaseWaitMs: number;
  publicUrl: string | null;
  bootstrapApiKey: string | null;
  adminToken: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  maxApiKeysPerProject: number;
  authFailureLimit: number;
  authFailureWindowMs: number;
  trustProxy: boolean;
  shutdownTimeoutMs: number;
  lastUsedFlushMs: number;
  masterKey: Buffer | null;
  allowPrivateNetworks: boolean;
  retryScheduleSeconds: number[];
  retrySchedule429Seconds: number[];
  deliveryTimeoutMs: number;
  deliveryCaFile: string | null;
  workerConcurrency: number;
  workerBatchSize: number;
  workerLeaseMs: number;
  directDispatch: boolean;
  retentionDays: number;
  metadataRetentionDays: number;
  retentionIntervalMs: number;
  metricsToken: string | null;
  exportsDir: string | null;
  planName: string;
  monthlyMessageQuota: number;
  streamPingMs: number;
  listenHoldMs: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  console: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

interface Setting<K extends keyof Config> {
  env: string;
  key: K;
  parse: (raw: string, env: string) => Config[K];
  default: Config[K];
}

function int(min: number, max: number) {
  return (raw: string, env: string): number => {
    if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(`${env} must be an integer, got "${raw}"`);
    const value = Number(raw);
    if (value < min || value > max)
      throw new ConfigError(`${env} must be between ${min} and ${max}, got ${value}`);
    return value;
  };
}

function bool(raw: string, env: string): boolean {
  const value = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(value)) return false;
  throw new ConfigError(`${env} must be true or false, got "${raw}"`);
}

function text(raw: string): string {
  return raw.trim();
}

function url(protocols: string[]) {
  return (raw: string, env: string): string | null => {
    if (raw.trim() === '') return null;
    let parsed: URL;
    try {
      parsed = new URL(raw.trim());
    } catch {
      throw new ConfigError(`${env} must be a URL, got "${raw}"`);
    }
    if (!protocols.includes(parsed.protocol)) {
      throw new ConfigError(`${env} must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
    }
    return raw.trim().replace(/\/+$/, '');
  };
}

function apiKey(raw: string, env: string): string | null {
  if (raw.trim() === '') return null;
  if (!/^hb_(live|test)_[a-z0-9]{32}$/.test(raw.trim())) {
    throw new ConfigError(`${env} must be hb_live_ or hb_test_ followed by 32 characters [a-z0-9]`);
  }
  return raw.trim();
}

function adminToken(raw: string, env: string): string | null {
  if (raw.trim() === '') return null;
  if (raw.trim().length < 16) throw new ConfigError(`${env} must be at least 16 characters`);
  return raw.trim();
}

function masterKey(raw: string, env: string): Buffer | null {
  if (raw.trim() === '') return null;
  if (!/^[0-9a-fA-F]{64}$/.test(raw.trim())) {
    throw new ConfigError(
      `${env} must be 64 hex characters (32 bytes); generate one with \`openssl rand -hex 32\``,
    );
  }
  return Buffer.from(raw.trim(), 'hex');
}

/** The default delays between counted delivery attempts (HOOKBRIDGE_RETRY_SCHEDULE; spec §3). */
export const DEFAULT_RETRY_SCHEDULE_SECONDS: readonly number[] = Object.freeze([
  1800, 7200, 21600, 43200, 86400, 172800, 259200,
]);
/** The default delays after successive 429 answers (HOOKBRIDGE_RETRY_SCHEDULE_429). */
export const DEFAULT_RETRY_SCHEDULE_429_SECONDS: readonly number[] = Object.freeze([30, 60, 120, 240, 300]);

/** "30,60,120" → [30, 60, 120]; for HOOKBRIDGE_RETRY_SCHEDULE and HOOKBRIDGE_RETRY_SCHEDULE_429. */
export function parseScheduleSeconds(text: string): number[] {
  const out: number[] = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    const value = Number(part);
    if (!/^\d+$/.test(part) || !Number.isSafeInteger(value) || value <= 0) {
      throw new Error(
        `invalid retry schedule ${JSON.stringify(text)}: expected comma-separated positive integers (seconds), got ${JSON.stringify(part)}`,
      );
    }
    out.push(value);
  }
  return out;
}

function schedule(raw: string, env: string): number[] {
  try {
    return parseScheduleSeconds(raw);
  } catch (error) {
    throw new ConfigError(`${env}: ${(error as Error).message}`);
  }
}

function optionalPath(raw: string): string | null {
  return raw.trim() === '' ? null : resolve(raw.trim());
}

function planName(raw: string, env: string): string {
  const value = raw.trim();
  if (value === '' || value.length > 64) throw new ConfigError(`${env} must be 1 to 64 characters`);
  return value;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function logLevel(raw: string, env: string): Config['logLevel'] {
  const value = raw.trim().toLowerCase() as Config['logLevel'];
  if (!LOG_LEVELS.includes(value)) throw new ConfigError(`${env} must be one of ${LOG_LEVELS.join(', ')}`);
  return value;
}

// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous table; each row is typed by Setting<K> where declared.
const SETTINGS: Setting<any>[] = [
  { env: 'PORT', key: 'port', parse: int(0, 65535), default: 8080 },
  { env: 'HOST', key: 'host', parse: text, default: '127.0.0.1' },
  {
    env: 'HOOKBRIDGE_DATA_DIR',
    key: 'dataDir',
    parse: (raw: string) => resolve(raw),
    default: resolve('.hookbridge'),
  },
  { env: 'DATABASE_URL', key: 'databaseUrl', parse: url(['postgres:', 'postgresql:']), default: null },
  { env: 'HOOKBRIDGE_DATABASE_WAIT_MS', key: 'databaseWaitMs', parse: int(0, 3600000), default: 30000 },
  { env: 'HOOKBRIDGE_PUBLIC_URL', key: 'publicUrl', parse: url(['http:', 'https:']), default: null },
  { env: 'HOOKBRIDGE_BOOTSTRAP_API_KEY', key: 'bootstrapApiKey', parse: apiKey, default: null },
  { env: 'HOOKBRIDGE_ADMIN_TOKEN', key: 'adminToken', parse: adminToken, default: null },
  { env: 'HOOKBRIDGE_LOG_LEVEL', key: 'logLevel', parse: logLevel, default: 'info' },
  { env: 'HOOKBRIDGE_MAX_API_KEYS', key: 'maxApiKeysPerProject', parse: int(1, 1000), default: 20 },
  { env: 'HOOKBRIDGE_AUTH_FAILURE_LIMIT', key: 'authFailureLimit', parse: int(1, 100000), default: 20 },
  {
    env: 'HOOKBRIDGE_AUTH_FAILURE_WINDOW_MS',
    key: 'authFailureWindowMs',
    parse: int(1000, 86400000),
    default: 60000,
  },
  { env: 'HOOKBRIDGE_TRUST_PROXY', key: 'trustProxy', parse: bool, default: false },
  { env: 'HOOKBRIDGE_SHUTDOWN_TIMEOUT_MS', key: 'shutdownTimeoutMs', parse: int(0, 600000), default: 10000 },
  { env: 'HOOKBRIDGE_LAST_USED_FLUSH_MS', key: 'lastUsedFlushMs', parse: int(0, 3600000), default: 60000 },
  { env: 'HOOKBRIDGE_MASTER_KEY', key: 'masterKey', parse: masterKey, default: null },
  { env: 'HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS', key: 'allowPrivateNetworks', parse: bool, default: false },
  {
    env: 'HOOKBRIDGE_RETRY_SCHEDULE',
    key: 'retryScheduleSeconds',
    parse: schedule,
    default: [...DEFAULT_RETRY_SCHEDULE_SECONDS],
  },
  {
    env: 'HOOKBRIDGE_RETRY_SCHEDULE_429',
    key: 'retrySchedule429Seconds',
    parse: schedule,
    default: [...DEFAULT_RETRY_SCHEDULE_429_SECONDS],
  },
  {
    env: 'HOOKBRIDGE_DELIVERY_TIMEOUT_MS',
    key: 'deliveryTimeoutMs',
    parse: int(100, 300000),
    default: 30000,
  },
  { env: 'HOOKBRIDGE_DELIVERY_CA_FILE', key: 'deliveryCaFile', parse: optionalPath, default: null },
  { env: 'HOOKBRIDGE_WORKER_CONCURRENCY', key: 'workerConcurrency', parse: int(1, 10000), default: 256 },
  { env: 'HOOKBRIDGE_WORKER_BATCH_SIZE', key: 'workerBatchSize', parse: int(1, 1000), default: 100 },
  { env: 'HOOKBRIDGE_WORKER_LEASE_MS', key: 'workerLeaseMs', parse: int(1000, 3600000), default: 90000 },
  { env: 'HOOKBRIDGE_DIRECT_DISPATCH', key: 'directDispatch', parse: bool, default: true },
  { env: 'HOOKBRIDGE_RETENTION_DAYS', key: 'retentionDays', parse: int(0, 36500), default: 30 },
  {
    env: 'HOOKBRIDGE_METADATA_RETENTION_DAYS',
    key: 'metadataRetentionDays',
    parse: int(1, 36500),
    default: 90,
  },
  {
    env: 'HOOKBRIDGE_RETENTION_INTERVAL_MS',
    key: 'retentionIntervalMs',
    parse: int(100, 86400000),
    default: 60000,
  },
  { env: 'HOOKBRIDGE_METRICS_TOKEN', key: 'metricsToken', parse: adminToken, default: null },
  { env: 'HOOKBRIDGE_EXPORTS_DIR', key: 'exportsDir', parse: optionalPath, default: null },
  { env: 'HOOKBRIDGE_PLAN_NAME', key: 'planName', parse: planName, default: 'self-hosted' },
  {
    env: 'HOOKBRIDGE_MONTHLY_MESSAGE_QUOTA',
    key: 'monthlyMessageQuota',
    parse: int(0, 1_000_000_000_000),
    default: 0,
  },
  { env: 'HOOKBRIDGE_STREAM_PING_MS', key: 'streamPingMs', parse: int(100, 3600000), default: 30000 },
  { env: 'HOOKBRIDGE_LISTEN_HOLD_MS', key: 'listenHoldMs', parse: int(0, 30000), default: 25000 },
  {
    env: 'HOOKBRIDGE_HEADERS_TIMEOUT_MS',
    key: 'headersTimeoutMs',
    parse: int(100, 600000),
    default: 10000,
  },
  // A 1 MB body at 20 KB/s (160 kbit/s) arrives in about 52 s.
  {
    env: 'HOOKBRIDGE_REQUEST_TIMEOUT_MS',
    key: 'requestTimeoutMs',
    parse: int(100, 3600000),
    default: 60000,
  },
  // Longer than the 60 s idle timeout of common load balancers, so they close idle connections first.
  {
    env: 'HOOKBRIDGE_KEEP_ALIVE_TIMEOUT_MS',
    key: 'keepAliveTimeoutMs',
    parse: int(100, 600000),
    default: 72000,
  },
  { env: 'HOOKBRIDGE_CONSOLE', key: 'console', parse: bool, default: true },
];

export const SETTING_NAMES: readonly string[] = SETTINGS.map((s) => s.env);

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const config = {} as Record<keyof Config, unknown>;
  for (const setting of SETTINGS) {
    const raw = env[setting.env];
    config[setting.key as keyof Config] =
      raw === undefined ? setting.default : setting.parse(raw, setting.env);
  }
  const result = { ...(config as unknown as Config), ...stripUndefined(overrides) };
  if (result.workerLeaseMs <= result.deliveryTimeoutMs) {
    // A lease shorter than an attempt would hand a message to a second worker while the first still delivers it.
    throw new ConfigError('HOOKBRIDGE_WORKER_LEASE_MS must be longer than HOOKBRIDGE_DELIVERY_TIMEOUT_MS');
  }
  if (result.headersTimeoutMs > result.requestTimeoutMs) {
    throw new ConfigError(
      'HOOKBRIDGE_HEADERS_TIMEOUT_MS must not be longer than HOOKBRIDGE_REQUEST_TIMEOUT_MS (the headers are part of the request)',
    );
  }
  return result;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
