import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { buildGoDriver, officialGoSdk, run } from '../helpers/official-clients.js';
import { Receiver, status } from '../helpers/receiver.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * The official Go SDK, unmodified, built in GOPATH mode (no network, Debian's Go) with our driver
 * (test/clients/go/hbdriver), which calls every method of its client.
 */
const sdk = officialGoSdk();
const DRIVER = fileURLToPath(new URL('./go/hbdriver', import.meta.url));
/** Not offered by a self-hosted server: 501 NOT_SUPPORTED, by design. */
const NOT_OFFERED = new Set(['CreateCheckout', 'CreatePortal']);

describe('the official Go SDK', { skip: sdk.skip }, () => {
  let gopath: string;
  let binary: string;

  before(async () => {
    ({ gopath, binary } = await buildGoDriver(sdk.path!, DRIVER, 'hbdriver'));
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
        receiver.setDefault((request, res) =>
          request.path === '/fail' ? status(500)(request, res) : res.writeHead(200).end('ok'),
        );
        server = await startTestServer(kind, { HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true' });
      });
      after(async () => {
        await server.close();
        await receiver.close();
      });

      it('every method of the client decodes its response (PATCH /v1/projects/{id} included)', async () => {
        const ran = await run(binary, [], {
          env: {
            HB_BASE_URL: server.url,
            HB_API_KEY: server.apiKey,
            HB_ADMIN_TOKEN: ADMIN_TOKEN,
            HB_RECEIVER_URL: receiver.url,
          },
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
          lines.filter((line) => !line.ok && !NOT_OFFERED.has(line.method)),
          [],
        );
        for (const method of NOT_OFFERED) {
          const line = lines.find((l) => l.method === method);
          assert.equal(line?.status, 501, JSON.stringify(line));
          assert.equal(line?.code, 'NOT_SUPPORTED', JSON.stringify(line));
        }
        assert.ok(lines.filter((line) => line.ok).length >= 50, ran.stdout);
      });
    });
  }
});
