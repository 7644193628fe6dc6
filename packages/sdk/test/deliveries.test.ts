// The verifier against real deliveries from the real server: through a signing-key rotation, with only
// Web Crypto in a bare context, and sign() reproducing exactly what the server sent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { type HookBridge, NotFoundError } from '@hookbridge/sdk';
import { sign } from '@hookbridge/sdk/testing';
import { verify, verifyAsync, WebhookVerificationError } from '@hookbridge/sdk/webhooks';
import { Receiver, startServerWithSdk, storeKinds, type TestServer } from './helpers.js';

for (const kind of storeKinds()) {
  describe(`verifying real deliveries (${kind})`, () => {
    let server: TestServer;
    let hb: HookBridge;
    let receiver: Receiver;

    before(async () => {
      ({ server, hb } = await startServerWithSdk(kind));
      receiver = await Receiver.start();
    });
    after(async () => {
      await receiver?.close();
      await server?.close();
    });

    it('through a key rotation: old key, both keys, new key', async () => {
      const endpoint = await hb.createEndpoint({ url: `${receiver.url}/rotate` });
      const oldSecret = endpoint.signingSecret;
      const deliver = async (n: number) => {
        const { messageId } = await hb.send({ endpointId: endpoint.id, payload: { n } });
        const delivery = (await receiver.waitFor(n, '/rotate'))[n - 1]!;
        assert.equal(delivery.headers['x-webhook-id'], messageId);
        return delivery;
      };

      const before = await deliver(1);
      assert.deepEqual(verify(before.body, before.headers, oldSecret).payload, { n: 1 });

      const added = await hb.createEndpointSigningKey(endpoint.id);
      const during = await deliver(2);
      assert.equal(String(during.headers['x-webhook-signature']).split(',').length, 2, 'both keys sign');
      for (const secrets of [oldSecret, added.signingSecret, [oldSecret, added.signingSecret]]) {
        assert.deepEqual(verify(during.body, during.headers, secrets).payload, { n: 2 });
        assert.deepEqual((await verifyAsync(during.body, during.headers, secrets)).payload, { n: 2 });
      }

      await hb.deleteEndpointSigningKey(endpoint.id, endpoint.signingKeyId);
      const afterRotation = await deliver(3);
      assert.deepEqual(verify(afterRotation.body, afterRotation.headers, added.signingSecret).payload, {
        n: 3,
      });
      assert.throws(
        () => verify(afterRotation.body, afterRotation.headers, oldSecret),
        (error: unknown) =>
          error instanceof WebhookVerificationError &&
          error.reason === 'no_match' &&
          error.signaturesTried === 1,
      );
    });

    it('messages.delivery(): the request a delivery would make now, verifying with the current key', async () => {
      const endpoint = await hb.createEndpoint({ url: `${receiver.url}/again`, headers: { 'X-Team': 'a' } });
      const { messageId } = await hb.send({ endpointId: endpoint.id, payload: { again: "it's" } });
      const [delivered] = await receiver.waitFor(1, '/again');
      const rotated = await hb.endpoints.signingKeys.create(endpoint.id);
      await hb.endpoints.signingKeys.delete(endpoint.id, endpoint.signingKeyId);

      const request = await hb.messages.delivery(messageId);
      assert.equal(request.message_id, messageId);
      assert.equal(request.url, endpoint.url);
      assert.equal(request.body_encoding, 'base64');
      const body = Buffer.from(request.body, 'base64');
      assert.deepEqual(body, delivered!.body);
      assert.equal(request.headers['X-Webhook-Id'], messageId);
      assert.equal(request.headers['X-Team'], 'a');
      assert.deepEqual(verify(body, request.headers, rotated.signing_secret).payload, { again: "it's" });
      assert.throws(() => verify(body, request.headers, endpoint.signingSecret), WebhookVerificationError);
      assert.equal(receiver.for('/again').length, 1, 'nothing was sent');

      await assert.rejects(
        hb.messages.delivery('0190a5a0-0000-7000-8000-000000000000'),
        (error: unknown) => error instanceof NotFoundError && error.code === 'MESSAGE_NOT_FOUND',
      );
    });

    it('sign() gives the body and headers the server sent, signature for signature', async () => {
      const endpoint = await hb.createEndpoint({ url: `${receiver.url}/same` });
      const payload = { order: { id: 'ord_1', total: 12.5 }, tags: ['a', 'é'] };
      const { messageId } = await hb.send({ endpointId: endpoint.id, payload });
      const [delivery] = await receiver.waitFor(1, '/same');
      const expected = sign(payload, endpoint.signingSecret, {
        id: messageId,
        timestamp: Number(delivery!.headers['x-webhook-timestamp']),
      });
      assert.equal(delivery!.body.toString(), expected.body);
      for (const [name, value] of Object.entries(expected.headers))
        assert.equal(delivery!.headers[name], value, name);
    });

    it('verifyAsync works with only globalThis.crypto, in a context that cannot import anything', async () => {
      const endpoint = await hb.createEndpoint({ url: `${receiver.url}/bare` });
      await hb.send({ endpointId: endpoint.id, payload: { bare: true } });
      const [delivery] = await receiver.waitFor(1, '/bare');
      const child = spawnSync(
        process.execPath,
        [
          '--experimental-vm-modules',
          '--no-warnings',
          new URL('./web-crypto-only.mjs', import.meta.url).pathname,
        ],
        {
          input: JSON.stringify({
            body: delivery!.body.toString(),
            headers: delivery!.headers,
            secret: endpoint.signingSecret,
          }),
          encoding: 'utf8',
        },
      );
      assert.equal(child.status, 0, child.stderr);
      const out = JSON.parse(child.stdout);
      assert.equal(out.hasProcess, 'undefined');
      assert.deepEqual(out.async, {
        ok: true,
        payload: { bare: true },
        id: delivery!.headers['x-webhook-id'],
      });
      assert.deepEqual(out.asyncWrongSecret, {
        ok: false,
        name: 'WebhookVerificationError',
        reason: 'no_match',
      });
      assert.deepEqual(out.sync, {
        ok: false,
        name: 'WebhookVerificationError',
        reason: 'unsupported_runtime',
      });
    });
  });
}
