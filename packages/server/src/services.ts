import type { Logger } from 'pino';
import type { Config } from './config.js';
import { AuthFailureLimiter } from './http/auth-failure-limiter.js';
import { ApiKeyService } from './modules/api-keys/service.js';
import { EndpointService } from './modules/endpoints/service.js';
import { ProjectService } from './modules/projects/service.js';
import { SecretBox } from './lib/secret-box.js';
import { SendService } from './modules/send/service.js';
import type { Db } from './store/db.js';

/** Everything a route or worker needs, built once at boot and passed down; no globals. */
export interface Services {
  config: Config;
  db: Db;
  log: Logger;
  projects: ProjectService;
  apiKeys: ApiKeyService;
  endpoints: EndpointService;
  authFailures: AuthFailureLimiter;
  /** Encrypts secrets at rest under the master key. */
  secretBox: SecretBox;
  send: SendService;
}

export function buildServices(config: Config, db: Db, log: Logger, masterKey: Buffer): Services {
  const secretBox = new SecretBox(masterKey);
  return {
    secretBox,
    config,
    db,
    log,
    projects: new ProjectService(db),
    apiKeys: new ApiKeyService(db, config),
    endpoints: new EndpointService(db, secretBox, config),
    send: new SendService(db),
    authFailures: new AuthFailureLimiter(config.authFailureLimit, config.authFailureWindowMs),
  };
}
