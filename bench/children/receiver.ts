/**
 * Benchmark webhook receiver (a child process of bench/delivery.ts): answers every POST with 200 and
 * records, per X-Webhook-Id, when its first request arrived. The parent asks for counts and arrival
 * times over IPC. `/raw` requests (the raw undici baseline) are only counted.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

type Request = { type: 'stats' } | { type: 'arrivals' } | { type: 'reset' } | { type: 'stop' };

const now = () => performance.timeOrigin + performance.now();

let firstArrival = new Map<string, number>();
let requests = 0;
let duplicates = 0;
let rawRequests = 0;
let firstAt = 0;
let lastAt = 0;

const server = createServer((req, res) => {
  const at = now();
  if (req.url === '/raw') {
    rawRequests++;
  } else {
    requests++;
    const header = req.headers['x-webhook-id'];
    const id = Array.isArray(header) ? header[0] : header;
    if (id) {
      if (firstArrival.has(id)) duplicates++;
      else {
        firstArrival.set(id, at);
        if (firstAt === 0) firstAt = at;
        lastAt = at;
      }
    }
  }
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
});
server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ type: 'ready', port });
});

process.on('message', (message: Request) => {
  switch (message.type) {
    case 'stats':
      process.send?.({
        type: 'stats',
        unique: firstArrival.size,
        requests,
        duplicates,
        rawRequests,
        firstAt,
        lastAt,
      });
      break;
    case 'arrivals':
      process.send?.({ type: 'arrivals', arrivals: [...firstArrival] });
      break;
    case 'reset':
      firstArrival = new Map();
      requests = duplicates = rawRequests = firstAt = lastAt = 0;
      process.send?.({ type: 'reset' });
      break;
    case 'stop':
      server.closeAllConnections();
      server.close(() => process.exit(0));
      break;
  }
});
// The parent went away: do not linger.
process.on('disconnect', () => process.exit(0));
