#!/usr/bin/env node
// What the embedded store costs: RSS (idle, and the peak of a first start, of a restart and of `keys create`)
// and disk per N delivered messages (data directory, of which WAL), on a fresh data directory.
//   node bench/embedded-footprint.mjs [N=10000]
// Needs the built server (npm run build) and GNU time (/usr/bin/time) for peak RSS. Loopback only.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(root, 'packages/server/bin/hookbridge.js');
const N = Number(process.argv[2] ?? 10_000);
const dataDir = mkdtempSync(join(tmpdir(), 'hookbridge-footprint-'));
const env = { ...process.env, HOOKBRIDGE_LOG_LEVEL: 'warn', HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true' };
delete env.DATABASE_URL;
const mib = (kib) => `${(kib / 1024).toFixed(0)} MiB`;

function du(path) {
  const out = spawnSync('du', ['-sk', path], { encoding: 'utf8' }).stdout;
  return Number(out.split('\t')[0]);
}

function vm(pid, field) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(new RegExp(`${field}:\\s+(\\d+)`))[1]);
}

/** Runs the CLI under GNU time; resolves with its output and peak RSS (KiB). */
function timed(args, { untilOutput, onReady } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '@@maxrss %M', process.execPath, BIN, ...args], { env });
    let output = '';
    let ready = false;
    const onData = async (chunk) => {
      output += chunk;
      if (untilOutput && !ready && untilOutput.test(output)) {
        ready = true;
        const node = Number(
          spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).stdout.trim(),
        );
        try {
          await onReady(node, output);
        } catch (error) {
          reject(error);
        }
        process.kill(node, 'SIGTERM');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', () => {
      const peak = Number(output.match(/@@maxrss (\d+)/)?.[1]);
      resolve({ output, peak });
    });
  });
}

async function api(url, key, method, path, body) {
  const response = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.end('ok'));
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${receiver.address().port}/hook`;

const figures = {};
const LISTEN = /listening on (http:\/\/\S+)/;
try {
  const first = await timed(['start', '--port', '0', '--data-dir', dataDir], {
    untilOutput: /Try: curl/,
    async onReady(pid, output) {
      const url = output.match(LISTEN)[1];
      const key = output.match(/hb_live_[a-z0-9]{32}/)[0];
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      figures.idleRss = vm(pid, 'VmRSS');
      figures.diskEmpty = du(join(dataDir, 'pgdata'));
      const endpoint = await api(url, key, 'POST', '/v1/endpoints', { url: receiverUrl });
      const started = Date.now();
      let sent = 0;
      let last = '';
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (sent < N) {
            sent++;
            const payload = { event: 'order.created', id: sent, note: 'x'.repeat(200) };
            last = (
              await api(url, key, 'POST', '/v1/webhooks/send', { endpoint_id: endpoint.data.id, payload })
            ).data.message_id;
          }
        }),
      );
      for (;;) {
        const metrics = await api(url, key, 'GET', '/v1/metrics?window=1h');
        if (metrics.data.succeeded >= N) break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      figures.sendAndDeliverSeconds = (Date.now() - started) / 1000;
      figures.lastMessage = last;
      figures.busyRss = vm(pid, 'VmRSS');
      figures.diskAfter = du(join(dataDir, 'pgdata'));
      figures.walAfter = du(join(dataDir, 'pgdata', 'pg_wal'));
    },
  });
  figures.firstStartPeak = first.peak;
  figures.diskAfterStop = du(join(dataDir, 'pgdata'));
  figures.walAfterStop = du(join(dataDir, 'pgdata', 'pg_wal'));
  const restart = await timed(['start', '--port', '0', '--data-dir', dataDir], {
    untilOutput: LISTEN,
    async onReady(pid) {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      figures.restartIdleRss = vm(pid, 'VmRSS');
    },
  });
  figures.restartPeak = restart.peak;
  figures.keysCreatePeak = (await timed(['keys', 'create', '--data-dir', dataDir])).peak;
  figures.diskFinal = du(join(dataDir, 'pgdata'));
  figures.walFinal = du(join(dataDir, 'pgdata', 'pg_wal'));
} finally {
  receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
}

console.log(
  `embedded store, ${N} messages of ~250 bytes sent and delivered in ${figures.sendAndDeliverSeconds} s`,
);
console.log(
  `RSS: idle after first start ${mib(figures.idleRss)}, peak of first start ${mib(figures.firstStartPeak)}`,
);
console.log(`     after ${N} messages ${mib(figures.busyRss)}`);
console.log(
  `     idle after restart ${mib(figures.restartIdleRss)}, peak of restart ${mib(figures.restartPeak)}`,
);
console.log(`     peak of keys create ${mib(figures.keysCreatePeak)}`);
console.log(
  `disk (pgdata): empty ${mib(figures.diskEmpty)}, after ${N} messages ${mib(figures.diskAfter)} (WAL ${mib(figures.walAfter)})`,
);
console.log(
  `     after stop ${mib(figures.diskAfterStop)} (WAL ${mib(figures.walAfterStop)}), after restart and keys create ${mib(figures.diskFinal)} (WAL ${mib(figures.walFinal)})`,
);
