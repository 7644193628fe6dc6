import type { FastifyInstance } from 'fastify';
import { markAnswered, unmarkAnswered } from './client-errors.js';

/** What is read and dropped after answering early; past it the connection is closed. */
export const MAX_DRAINED_BYTES = 32 * 1024 * 1024;

/**
 * A request answered before its body has all arrived (a 413, an ingest refused before reading) keeps its
 * connection and has the rest of its body read and dropped. Closing instead makes the kernel reset the
 * connection while the client is still sending, and a client that writes its whole body before reading
 * (most do) then sees a network error, never the answer, and retries a request that cannot succeed.
 * Bounded by MAX_DRAINED_BYTES and by the request timeout.
 */
export function installUnreadBodyDrain(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, _payload, done) => {
    const raw = request.raw;
    if (raw.complete || raw.method === 'GET' || raw.method === 'HEAD') return done();
    reply.removeHeader('connection');
    const socket = raw.socket;
    markAnswered(socket);
    let drained = 0;
    raw.on('data', (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > MAX_DRAINED_BYTES) socket.destroy();
    });
    raw.once('end', () => unmarkAnswered(socket));
    raw.resume();
    done();
  });
}
