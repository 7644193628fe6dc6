import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

/**
 * An upgrade request that no WebSocket route took over (`/healthz`, an unknown path, a refused
 * handshake) gets its plain HTTP answer, and then its socket is closed. Node hands upgrade sockets to the
 * WebSocket plugin, which only closes them for routes registered beside it; any other answer left the
 * socket open for good (CLOSE-WAIT), and the server could not shut down while it was.
 */
export function installUpgradeGuard(app: FastifyInstance): void {
  app.addHook('onResponse', (request, _reply, done) => {
    // Node marks requests it handed to the 'upgrade' event; their socket left its HTTP parser.
    if ((request.raw as IncomingMessage & { upgrade?: boolean }).upgrade) request.raw.socket.destroySoon();
    done();
  });
}
