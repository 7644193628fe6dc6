import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { ConfigError } from '../config.js';

/**
 * The key that encrypts secrets at rest. From HOOKBRIDGE_MASTER_KEY when set; on the embedded store it is
 * otherwise generated once into the data directory (mode 0600). PostgreSQL deployments must set it: every
 * process needs the same key, and it must not live in the database it protects.
 */
export function resolveMasterKey(config: Pick<Config, 'masterKey' | 'databaseUrl' | 'dataDir'>): Buffer {
  if (config.masterKey) return config.masterKey;
  if (config.databaseUrl) {
    throw new ConfigError(
      'HOOKBRIDGE_MASTER_KEY is required with DATABASE_URL (64 hex characters; generate one with `openssl rand -hex 32`) and must be the same for every process',
    );
  }
  const path = join(config.dataDir, 'master.key');
  if (existsSync(path)) return Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(path, key.toString('hex'), { mode: 0o600, flag: 'wx' });
  return key;
}
