import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { buildGoDriver, officialGoSdk, run } from '../helpers/official-clients.js';
import { Receiver } from '../helpers/receiver.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * The official Go SDK's pull endpoint, message deletion and actor lookup methods, through our driver
 * (test/clients/go/hbdriver-pull). Those methods came after v1.4.0: with an older SDK the test is skipped,
 * saying so, rather than failing to build.
 */
const sdk = officialGoSdk();
const DRIVER = fileURLToPath(new URL('./go/hbdriver-pull', import.meta.url));
const METHODS = [
  'CreatePullEndpoint',
  'ListPullEndpoints',
  'GetPullEndpoint',
  'UpdatePullEndpoint',
  'PausePullEndpoint',
  'ResumePullEndpoint',
  'ListPullEvents',
  'GetPullEvent preview',
  'GetPullEvent',
  'AckPullEvents',
  'AckPullEvents again',
  'GetPullLogs',
  'GetPullMetrics',
  'GetPullTimeSeriesMetrics',
  'DeletePullEvent',
  'DeletePullEventsBatch',
  'DeletePullEventsAll',
  'DeleteMessage',
  'DeleteMessage again',
  'DeleteMessagesBatch',
  'DeleteMessagesAll',
  'DeleteInboundMessage',
  'DeleteInboundMessagesBatch',
  'DeleteInboundMessagesAll',
  'LookupActors',
  'DeletePullEndpoint',
];

function skipReason(): string | false {
  if (sdk.skip) return sdk.skip;
  const sources = readdirSync(sdk.path!).filter((name) => name.endsWith('.go') && !name.endsWith('_test.go'));
  const declares = sources.some((name) =>
    readFileSync(join(sdk.path!, name), 'utf8').includes('func (c *Client) DeletePullEvent('),
  );
  if (!declares) {
    return `the Go SDK at ${sdk.path} predates pull endpoints and message deletion (v1.4.0 or older)`;
  }
  return false;
}

describe('the official Go SDK: pull endpoints, deletion, actors', { skip: skipReason() }, () => {
  let gopath: string;
  let binary: string;

  before(async () => {
    ({ gopath, binary } = await buildGoDriver(sdk.path!, DRIVER, 'hbdriver-pull'));
  });
  after(() => {
    if (gopath) rmSync(gopath, { recursive: true, force: true });
  });

  for (const kind of storeKinds()) {
    describe(`[${kind}]`, () => {
      let server: TestServer;
      let receiver: Receiver;
      before(async () => {
        receiver = await Receiver.start();
        server = await startTestServer(kind, { HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true' });
      });
      after(async () => {
        await server.close();
        await receiver.close();
      });

      it('every pull, delete and actor method works and decodes what it should', async () => {
        const ran = await run(binary, [], {
          env: { HB_BASE_URL: server.url, HB_API_KEY: server.apiKey, HB_RECEIVER_URL: receiver.url },
          timeoutMs: 180_000,
        });
        const lines = ran.stdout
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line));
        assert.ok(
          lines.some((line) => line.method === 'done'),
          `the driver stopped early:\n${ran.stdout}\n${ran.stderr}`,
        );
        assert.deepEqual(
          lines.filter((line) => !line.ok),
          [],
        );
        const ok = new Set(lines.filter((line) => line.ok).map((line) => line.method));
        assert.deepEqual(
          METHODS.filter((method) => !ok.has(method)),
          [],
        );
      });
    });
  }
});
