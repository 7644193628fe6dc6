import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { WebSocket, WebSocketServer } from 'ws';
import { errorBody } from '../../../errors.js';

/** Fastify's id of each request that reaches the upgrade, for the envelope of a refused handshake. */
const requestIds = new WeakMap<IncomingMessage, string>();

export function rememberRequestId(request: FastifyRequest): void {
  requestIds.set(request.raw, request.id);
}

/**
 * A handshake the `ws` library refuses (no or bad `Sec-WebSocket-Key`, an unsupported version, a bad
 * subprotocol list) is answered in the error envelope instead of the library's plain-text body.
 */
export function answerHandshakeErrorsInEnvelope(wss: WebSocketServer): void {
  wss.on('wsClientError', (error: Error, socket: Duplex, request: IncomingMessage) => {
    if (socket.writable) {
      const id = requestIds.get(request) ?? 'req_unknown';
      const body = JSON.stringify(errorBody('INVALID_REQUEST', `WebSocket handshake: ${error.message}`, id));
      const version = /Version/.test(error.message) ? 'Sec-WebSocket-Version: 13, 8\r\n' : '';
      socket.write(
        'HTTP/1.1 400 Bad Request\r\n' +
          'Content-Type: application/json; charset=utf-8\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          `X-Request-Id: ${id}\r\n${version}` +
          'Connection: close\r\n\r\n' +
          body,
      );
    }
    socket.destroy();
  });
}

/**
 * An error on an open listener socket is nearly always a malformed or oversized frame from the client
 * (`ws` has already failed the connection with 1002 or 1009). Any key holder can cause it at will, so it
 * is one short info line per connection, without a stack.
 */
export function onListenerSocketError(
  error: Error & { code?: string },
  socket: WebSocket,
  request: FastifyRequest,
): void {
  request.log.info(
    { code: error.code ?? 'unknown', reason: error.message },
    'listener socket closed on a bad frame',
  );
  socket.terminate();
}
