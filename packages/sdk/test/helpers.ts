import { HookBridge } from '@hookbridge/sdk';
import { type StoreKind, storeKinds } from '../../server/test/helpers/stores.js';
import { startTestServer, type TestServer } from '../../server/test/helpers/server.js';
import { Receiver } from '../../server/test/helpers/receiver.js';

export { ADMIN_TOKEN } from '../../server/test/helpers/server.js';
export { Receiver, type StoreKind, storeKinds, type TestServer };

/** Fast client backoff, so retry tests take milliseconds. */
export const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 20 };

/** The real server on a fresh store of `kind`, delivering to loopback, and an SDK client for it. */
export async function startServerWithSdk(
  kind: StoreKind,
  env: Record<string, string> = {},
): Promise<{ server: TestServer; hb: HookBridge }> {
  const server = await startTestServer(kind, { HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true', ...env });
  const hb = new HookBridge({ apiKey: server.apiKey, baseUrl: server.url, retry: FAST_RETRY });
  return { server, hb };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string | (() => string) = 'condition',
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`${typeof what === 'function' ? what() : what} not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
