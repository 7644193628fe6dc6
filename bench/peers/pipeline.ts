/**
 * What a Node team builds instead of a webhook platform, shared by the peer baselines of `npm run bench`:
 * a Fastify route that checks the API key, looks up the endpoint and puts a job on a queue (answering 202
 * once the queue library has accepted it), and a job handler that signs the payload (HMAC-SHA256 over
 * "{timestamp}.{body}", as HookBridge does) and POSTs it over a keep-alive pool; a non-2xx answer throws,
 * so the library retries it. Configured by the parent through the environment:
 * PEER_API_KEY, PEER_ENDPOINT_ID, PEER_URL, PEER_SECRET.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import { Agent, request } from 'undici';

export interface DeliveryJob {
  id: string;
  url: string;
  payload: string;
}

const apiKey = Buffer.from(`Bearer ${process.env.PEER_API_KEY ?? ''}`);
const endpoints = new Map([[process.env.PEER_ENDPOINT_ID ?? '', process.env.PEER_URL ?? '']]);
const secret = process.env.PEER_SECRET ?? '';
// The same pool size as HookBridge's sender: 32 connections per origin.
const agent = new Agent({ connections: 32, pipelining: 1 });

/** Serves POST /v1/webhooks/send, handing each accepted job to `enqueue`; reports the port to the parent. */
export async function serve(enqueue: (job: DeliveryJob) => Promise<void>, stop: () => Promise<void>) {
  const app = Fastify({ logger: false });
  app.post('/v1/webhooks/send', async (req, reply) => {
    const header = Buffer.from(req.headers.authorization ?? '');
    if (header.length !== apiKey.length || !timingSafeEqual(header, apiKey)) {
      return reply.code(401).send({ error: { code: 'UNAUTHORIZED' } });
    }
    const body = req.body as { endpoint_id?: unknown; payload?: unknown } | undefined;
    const url = typeof body?.endpoint_id === 'string' ? endpoints.get(body.endpoint_id) : undefined;
    if (!url || body?.payload === undefined) {
      return reply.code(404).send({ error: { code: 'ENDPOINT_NOT_FOUND' } });
    }
    const id = randomUUID();
    await enqueue({ id, url, payload: JSON.stringify(body.payload) });
    return reply.code(202).send({ data: { message_id: id, status: 'queued' } });
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  process.send?.({ type: 'ready', port: Number(new URL(address).port) });
  const shutdown = () =>
    void app
      .close()
      .then(stop)
      .finally(() => process.exit(0));
  process.on('message', (message: { type: string }) => {
    if (message.type === 'stop') shutdown();
  });
  process.on('disconnect', shutdown);
}

/** One delivery attempt of a job; throws on a non-2xx answer so the queue retries it. */
export async function deliver(job: DeliveryJob): Promise<void> {
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', secret).update(`${timestamp}.`).update(job.payload).digest('hex');
  const response = await request(job.url, {
    method: 'POST',
    dispatcher: agent,
    headers: {
      'content-type': 'application/json',
      'x-webhook-id': job.id,
      'x-webhook-timestamp': String(timestamp),
      'x-webhook-signature': `sha256=${signature}`,
    },
    body: job.payload,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  await response.body.dump();
  if (response.statusCode < 200 || response.statusCode >= 300) throw new Error(`HTTP ${response.statusCode}`);
}
