import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  attemptsOf,
  createEndpoint,
  hasStatus,
  send,
  verifySignature,
  waitForMessage,
} from '../helpers/delivery.js';
import { client } from '../helpers/http.js';
import { Receiver } from '../helpers/receiver.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';
import { makeCertificates } from '../helpers/tls.js';

for (const kind of storeKinds()) {
  describe(`delivery over HTTPS and the connect-time address guard [${kind}]`, () => {
    const certificates = makeCertificates();
    const dir = mkdtempSync(join(tmpdir(), 'hookbridge-ca-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, certificates.ca);
    let receiver: Receiver;
    let server: TestServer;

    before(async () => {
      receiver = await Receiver.start(certificates);
    });
    after(async () => {
      await server?.close();
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('delivers to an HTTPS receiver signed by a CA the operator trusts, recording TLS timings', async () => {
      server = await startTestServer(kind, {
        HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true',
        HOOKBRIDGE_DELIVERY_CA_FILE: caFile,
      });
      const api = client(server.url, server.apiKey);
      assert.match(receiver.url, /^https:\/\/localhost:\d+$/);
      const endpoint = await createEndpoint(api, `${receiver.url}/tls`);
      const id = await send(api, endpoint.id, { secure: true });
      const [request] = await receiver.waitFor(1, '/tls');
      assert.ok(verifySignature(endpoint.signing_secret, request!.headers, request!.body));
      await waitForMessage(api, id, hasStatus('succeeded'));
      const [attempt] = await attemptsOf(api, id);
      assert.ok(attempt, 'an attempt is recorded');
      assert.equal(attempt.response_status, 200);
      assert.equal(typeof attempt.tls_handshake_ms, 'number');
      assert.equal(typeof attempt.tcp_connect_ms, 'number');
      await server.close();
    });

    it('refuses at connect time a name that resolves to loopback after the endpoint was created', async () => {
      // Private networks are NOT allowed here. The endpoint is created with a public address, then its
      // stored URL is rewritten to a name that resolves to 127.0.0.1 — what DNS rebinding does to a
      // name between the create-time check and delivery.
      server = await startTestServer(kind, { HOOKBRIDGE_DELIVERY_CA_FILE: caFile });
      const api = client(server.url, server.apiKey);
      const endpoint = await createEndpoint(api, 'https://93.184.215.14/rebinding');
      const port = new URL(receiver.url).port;
      await server.store.db.query('UPDATE endpoints SET url = $1 WHERE id = $2', [
        `https://localhost:${port}/rebound`,
        endpoint.id,
      ]);
      const id = await send(api, endpoint.id, { rebinding: true });
      const message = await waitForMessage(api, id, hasStatus('failed_permanent'));
      assert.equal(receiver.for('/rebound').length, 0, 'nothing reached the loopback receiver');
      const [attempt] = await attemptsOf(api, id);
      assert.ok(attempt, 'an attempt is recorded');
      assert.match(attempt.error_text ?? '', /not a public address/);
      assert.match(message.last_error ?? '', /not a public address/);
    });
  });
}
