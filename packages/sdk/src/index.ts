export { HookBridge } from './hookbridge.js';
export type { SendInput } from './hookbridge.js';
export { ResourceClient } from './client.js';
export {
  type ClientOptions,
  DEFAULT_BASE_URL,
  DEFAULT_SEND_URL,
  DEFAULT_TIMEOUT_MS,
  type FetchLike,
} from './core/config.js';
export * from './core/errors.js';
export { Page, PagePromise } from './core/pagination.js';
export { DEFAULT_RETRY_POLICY, type RetryMode, type RetryPolicy } from './core/retry.js';
export { type RequestOptions, USER_AGENT } from './core/transport.js';
export type { CamelParams, Camelize } from './core/camel.js';
export type * from './types.js';
export { VERSION } from './version.js';
