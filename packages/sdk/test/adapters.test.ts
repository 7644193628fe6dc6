// Each framework adapter (its example in examples/) receives a real signed delivery from the real server,
// and refuses a forged one with the reason.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import type { HookBridge } from '@hookbridge/sdk';
import { sign } from '@hookbridge/sdk/testing';
import { expressWebhook, nodeWebhookHandler, type VerifiedWebhook } from '@hookbridge/sdk/webhooks';
import { expressApp } from '../examples/express.js';
import { fastifyApp } from '../examples/fastify.js';
import { webhookRoute } from '../examples/next-route.js';
import { nodeServer } from '../examples/node-http.js';
import { eventually, startServerWithSdk, storeKinds, type TestServer } from './helpers.js';

type Started = { url: string; close(): Promise<void> };

async function listen(server: Server): Promise<Started> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Serves a Fetch-style route handler the way Next.js's Node runtime does: IncomingMessage → Request. */
function serveRouteHandler(handler: (request: Request) => Promise<Response>): Server {
  return createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method!,
      headers: req.headers as Record<string, string>,
      body: Buffer.concat(chunks),
    });
    const response = await handler(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
}

type Adapter = {
  name: string;
  start(secret: string, onWebhook: (w: VerifiedWebhook) => void): Promise<Started>;
};

const adapters: Adapter[] = [
  { name: 'Express', start: async (secret, on) => listen(createServer(expressApp(secret, on))) },
  {
    name: 'Fastify',
    start: async (secret, on) => {
      const app = fastifyApp(secret, on);
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      return { url, close: () => app.close() };
    },
  },
  {
    name: 'Next.js route handler',
    start: async (secret, on) => listen(serveRouteHandler(webhookRoute(secret, on))),
  },
  { name: 'node:http', start: async (secret, on) => listen(nodeServer(secret, on)) },
];

for (const kind of storeKinds()) {
  describe(`framework adapters (${kind})`, () => {
    let server: TestServer;
    let hb: HookBridge;
    before(async () => {
      ({ server, hb } = await startServerWithSdk(kind));
    });
    after(async () => {
      await server?.close();
    });

    for (const adapter of adapters) {
      it(`${adapter.name}: verifies a real delivery and refuses a forged one`, async () => {
        const received: VerifiedWebhook[] = [];
        // The app needs the endpoint's secret and the endpoint the app's URL: create, start, then point it.
        const endpoint = await hb.endpoints.create({ url: 'http://127.0.0.1:9/placeholder' });
        const started = await adapter.start(endpoint.signing_secret, (w) => received.push(w));
        try {
          await hb.endpoints.update(endpoint.id, { url: `${started.url}/webhooks` });
          const payload = { event: 'order.created', amount: 12.5, note: 'naïve' };
          const { messageId } = await hb.send({ endpointId: endpoint.id, payload });
          const message = await eventually(async () => {
            const m = await hb.messages.get(messageId);
            return m.status === 'succeeded' ? m : undefined;
          }, `${adapter.name} answered 2xx`);
          assert.equal(message.response_status, 200);
          assert.deepEqual(
            received.map((w) => [w.id, w.payload]),
            [[messageId, payload]],
          );

          const forged = sign(payload, `whsec_${'0'.repeat(32)}`);
          const refusal = await fetch(`${started.url}/webhooks`, {
            method: 'POST',
            headers: forged.headers,
            body: forged.body,
          });
          assert.equal(refusal.status, 401);
          assert.equal(((await refusal.json()) as { error: { code: string } }).error.code, 'no_match');
          assert.equal(received.length, 1);
        } finally {
          await started.close();
        }
      });
    }

    it('node:http answers 413 to a body over bodyLimit', async () => {
      const secret = `whsec_${'f'.repeat(32)}`;
      const started = await listen(
        createServer(nodeWebhookHandler({ secret, bodyLimit: 1024 }, (_webhook, _req, res) => res.end('ok'))),
      );
      try {
        const big = sign({ pad: 'x'.repeat(4096) }, secret);
        const response = await fetch(`${started.url}/`, {
          method: 'POST',
          headers: big.headers,
          body: big.body,
        });
        assert.equal(response.status, 413);
        const small = sign({ pad: 'x' }, secret);
        const accepted = await fetch(`${started.url}/`, {
          method: 'POST',
          headers: small.headers,
          body: small.body,
        });
        assert.equal(await accepted.text(), 'ok');
      } finally {
        await started.close();
      }
    });

    it('Express after express.json() refuses with body_not_raw, and after express.raw() verifies', async () => {
      const secret = `whsec_${'e'.repeat(32)}`;
      const app = express();
      app.post('/parsed', express.json(), expressWebhook({ secret }), (_req, res) => res.end('ok'));
      app.post('/raw', express.raw({ type: '*/*' }), expressWebhook({ secret }), (req, res) =>
        res.json((req as unknown as { webhook: VerifiedWebhook }).webhook.payload),
      );
      const started = await listen(createServer(app));
      try {
        const delivery = sign({ a: 1 }, secret);
        const parsed = await fetch(`${started.url}/parsed`, {
          method: 'POST',
          headers: delivery.headers,
          body: delivery.body,
        });
        assert.equal(parsed.status, 401);
        assert.equal(((await parsed.json()) as { error: { code: string } }).error.code, 'body_not_raw');
        const raw = await fetch(`${started.url}/raw`, {
          method: 'POST',
          headers: delivery.headers,
          body: delivery.body,
        });
        assert.deepEqual(await raw.json(), { a: 1 });
      } finally {
        await started.close();
      }
    });
  });
}
