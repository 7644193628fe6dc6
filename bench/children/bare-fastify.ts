/**
 * Baseline for send acceptance (a child process of bench/delivery.ts): a bare Fastify app with one POST
 * route that parses the JSON body and answers 202 with a small envelope — no auth, no validation, no store.
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/v1/webhooks/send', async (request, reply) => {
  const body = request.body as { endpoint_id?: unknown } | undefined;
  if (!body || typeof body.endpoint_id !== 'string') return reply.code(400).send({ error: 'bad body' });
  return reply
    .code(202)
    .send({ data: { message_id: randomUUID(), status: 'queued' }, meta: { request_id: 'req' } });
});

const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.send?.({ type: 'ready', port: Number(new URL(address).port) });
process.on('message', (message: { type: string }) => {
  if (message.type === 'stop') void app.close().then(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
