// startInProcessServer (the package's main export): the real server on an in-memory embedded store,
// delivering to loopback, leaving nothing behind.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { startInProcessServer } from '../../src/index.js';
import { verifySignature } from '../helpers/delivery.js';
import { client } from '../helpers/http.js';
import { Receiver } from '../helpers/receiver.js';

const scratchDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith('hookbridge-in-process-'));

describe('startInProcessServer', () => {
  it('serves the API with its key and settings, delivers a signed webhook to loopback, and cleans up on close', async () => {
    const before = new Set(scratchDirs());
    // One start (a fresh PGlite is created and migrated: seconds), so settings are checked on it too.
    const server = await startInProcessServer({ env: { HOOKBRIDGE_PLAN_NAME: 'ci-plan' } });
    const receiver = await Receiver.start();
    try {
      const api = client(server.url, server.apiKey);
      const endpoint = await api('POST', '/v1/endpoints', { body: { url: `${receiver.url}/hook` } });
      assert.equal(endpoint.status, 201, endpoint.text);
      const sent = await api('POST', '/v1/webhooks/send', {
        body: { endpoint_id: endpoint.body.data.id, payload: { hello: 'world' } },
      });
      assert.equal(sent.status, 202, sent.text);
      const [delivery] = await receiver.waitFor(1, '/hook');
      assert.deepEqual(JSON.parse(delivery!.body.toString()), { hello: 'world' });
      assert.ok(verifySignature(endpoint.body.data.signing_secret, delivery!.headers, delivery!.body));

      const admin = await client(server.url, server.adminToken)('GET', '/v1/projects');
      assert.equal(admin.status, 200);
      assert.deepEqual(
        admin.body.data.map((p: { id: string }) => p.id),
        [server.projectId],
      );
      const subscription = await api('GET', '/v1/billing/subscription');
      assert.equal(subscription.body.data.plan, 'ci-plan', 'env settings pass through');
    } finally {
      await receiver.close();
      await server.close();
    }
    await assert.rejects(fetch(`${server.url}/healthz`), 'the port is closed');
    assert.deepEqual(
      scratchDirs().filter((name) => !before.has(name)),
      [],
      'no scratch directory is left',
    );
    assert.ok(!existsSync(`${tmpdir()}/hookbridge-in-process-`));
  });
});
