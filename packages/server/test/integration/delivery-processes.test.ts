import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEndpoint, send } from '../helpers/delivery.js';
import { type Api, client } from '../helpers/http.js';
import { type HookbridgeProcess, killAll, runHookbridge } from '../helpers/process.js';
import { Receiver } from '../helpers/receiver.js';
import { startWithClient, TEST_MASTER_KEY, type TestServer } from '../helpers/server.js';

/**
 * Separate `hookbridge worker` processes sharing one PostgreSQL: the rate limit holds across them, and
 * killing one with SIGKILL in the middle of deliveries loses nothing.
 */
describe('delivery across worker processes [postgres]', { skip: !process.env.DATABASE_URL }, () => {
  let server: TestServer;
  let receiver: Receiver;
  let api: Api;
  const workers: HookbridgeProcess[] = [];

  function startWorker(): HookbridgeProcess {
    const { databaseUrl, schema } = server.store;
    const url = new URL(databaseUrl!);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const worker = runHookbridge(['worker'], {
      DATABASE_URL: url.toString(),
      HOOKBRIDGE_MASTER_KEY: TEST_MASTER_KEY,
      HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true',
      HOOKBRIDGE_RETRY_SCHEDULE: '1,1,1,1,1',
      HOOKBRIDGE_DELIVERY_TIMEOUT_MS: '2000',
      HOOKBRIDGE_WORKER_LEASE_MS: '3000',
      HOOKBRIDGE_LOG_LEVEL: 'error',
    });
    workers.push(worker);
    return worker;
  }

  /** The messages' rows once none is queued, delivering or waiting for a retry (or the deadline passes). */
  async function waitUntilSettled(ids: string[], timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await server.store.db.query<{ attempt_count: number; status: string }>(
        'SELECT attempt_count, status FROM messages WHERE id = ANY($1::uuid[])',
        [ids],
      );
      const settled = rows.every((r) => r.status === 'succeeded' || r.status === 'failed_permanent');
      if (settled || Date.now() > deadline) return rows;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  before(async () => {
    // The in-process server is the API only; all delivery happens in the worker processes.
    ({ server, api } = await startWithClient(
      'postgres',
      { HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true' },
      undefined,
      { api: true, worker: false },
    ));
    receiver = await Receiver.start();
    await Promise.all([
      startWorker().waitFor(/delivery worker running/),
      startWorker().waitFor(/delivery worker running/),
    ]);
  });
  after(async () => {
    killAll();
    await server?.close();
    await receiver?.close();
  });

  it('holds one endpoint rate limit across two workers, without spending attempts', async () => {
    const endpoint = await createEndpoint(api, `${receiver.url}/limited`, { rate_limit_rps: 5, burst: 5 });
    const ids = await Promise.all(Array.from({ length: 30 }, (_, n) => send(api, endpoint.id, { n })));
    const requests = await receiver.waitFor(30, '/limited', 20_000);
    const times = requests.map((r) => r.at).sort((a, b) => a - b);
    const span = times.at(-1)! - times[0]!;
    // 5 may go at once (the burst), the other 25 at 5 a second.
    assert.ok(span >= (25 / 5) * 1000 * 0.85, `30 deliveries took only ${span} ms`);
    for (let i = 0; i < times.length; i++) {
      const inWindow = times.filter((t) => t >= times[i]! && t < times[i]! + 1000).length;
      assert.ok(inWindow <= 5 + 5 + 1, `${inWindow} deliveries within one second`);
    }
    const rows = await waitUntilSettled(ids);
    assert.ok(
      rows.every((r) => r.status === 'succeeded' && r.attempt_count === 1),
      'waiting for tokens is not an attempt',
    );
  });

  it('loses nothing when a worker is killed with SIGKILL mid-delivery, again and again', async () => {
    // Slow answers keep many deliveries in flight, so each kill interrupts some.
    receiver.setDefault((_req, res) => setTimeout(() => res.writeHead(200).end('ok'), 150));
    const endpoint = await createEndpoint(api, `${receiver.url}/crash`);
    const accepted: string[] = [];
    const kills: number[] = [];
    const sending = (async () => {
      for (let batch = 0; batch < 40; batch++) {
        accepted.push(
          ...(await Promise.all(Array.from({ length: 10 }, (_, n) => send(api, endpoint.id, { batch, n })))),
        );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    for (let round = 0; round < 4; round++) {
      await new Promise((resolve) => setTimeout(resolve, 900));
      const victim = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null)[0]!;
      kills.push(Date.now());
      victim.child.kill('SIGKILL');
      await victim.exited;
      await startWorker().waitFor(/delivery worker running/);
    }
    await sending;
    assert.equal(accepted.length, 400);

    const settled = await waitUntilSettled(accepted, 30_000);
    assert.equal(
      settled.filter((r) => r.status !== 'succeeded').length,
      0,
      'every accepted message ends succeeded',
    );

    const arrivals = new Map<string, number[]>();
    for (const request of receiver.for('/crash')) {
      const id = String(request.headers['x-webhook-id']);
      arrivals.set(id, [...(arrivals.get(id) ?? []), request.at]);
    }
    for (const id of accepted) assert.ok(arrivals.has(id), `message ${id} never reached the receiver`);
    const duplicates = [...arrivals.entries()].filter(([, times]) => times.length > 1);
    for (const [id, [first]] of duplicates) {
      // A duplicate is only allowed for an attempt that was in flight when a worker died: its request may
      // reach the receiver just after the kill, and its result is recorded within a few ms of the answer.
      // The receiver stamps a request when its own event loop reads it, which on a loaded machine can be
      // several hundred ms after the dead worker wrote it (a CI run saw 202 ms).
      const inFlightAtKill = kills.some((kill) => kill - first! >= -1000 && kill - first! <= 150 + 1000);
      assert.ok(
        inFlightAtKill,
        `message ${id} was delivered twice (${arrivals.get(id)!.join(', ')}) without a kill during its first attempt (kills ${kills.join(', ')})`,
      );
    }
    console.log(
      `# crash test: ${accepted.length} messages, ${kills.length} kills, ${duplicates.length} redelivered`,
    );
  });
});

/**
 * Direct dispatch: `hookbridge start` writes sends already leased to its own worker. Killed with SIGKILL
 * while those attempts are in flight, it loses none of them: their leases run out and the next process
 * delivers them.
 */
describe('direct dispatch across a SIGKILL [postgres]', { skip: !process.env.DATABASE_URL }, () => {
  let server: TestServer;
  let receiver: Receiver;

  function startProcess(): HookbridgeProcess {
    const { databaseUrl, schema } = server.store;
    const url = new URL(databaseUrl!);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return runHookbridge(['start'], {
      DATABASE_URL: url.toString(),
      HOOKBRIDGE_MASTER_KEY: TEST_MASTER_KEY,
      HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true',
      HOOKBRIDGE_DELIVERY_TIMEOUT_MS: '2000',
      HOOKBRIDGE_WORKER_LEASE_MS: '3000',
      HOOKBRIDGE_LOG_LEVEL: 'info',
      PORT: '0',
      HOST: '127.0.0.1',
    });
  }

  before(async () => {
    // Only creates the schema and the key; the processes under test are children.
    server = await startWithClient('postgres', {}, undefined, { api: false, worker: false }).then(
      (started) => started.server,
    );
    receiver = await Receiver.start();
  });
  after(async () => {
    killAll();
    await server?.close();
    await receiver?.close();
  });

  it('a send written leased to a process that dies is delivered by the next one', async () => {
    let holding = true;
    receiver.setDefault((_req, res) => {
      if (!holding) res.writeHead(200).end('ok');
    });
    const first = startProcess();
    const [, url] = (await first.waitFor(/listening on (http:\/\/\S+)/)) as RegExpMatchArray;
    const api = client(url!, server.apiKey);
    const endpoint = await createEndpoint(api, `${receiver.url}/direct`);
    const accepted = await Promise.all(Array.from({ length: 20 }, (_, n) => send(api, endpoint.id, { n })));
    await receiver.waitFor(accepted.length, '/direct');

    const rows = await server.store.db.query<{ status: string; claimed: boolean; attempt_count: number }>(
      `SELECT status, updated_at <> created_at AS claimed, attempt_count FROM messages WHERE id = ANY($1::uuid[])`,
      [accepted],
    );
    assert.ok(
      rows.every((r) => r.status === 'delivering' && !r.claimed && r.attempt_count === 0),
      `every message was written leased by its send, never claimed: ${JSON.stringify(rows)}`,
    );

    first.child.kill('SIGKILL');
    await first.exited;
    holding = false;
    const second = startProcess();
    await second.waitFor(/listening on/);
    await receiver.waitFor(2 * accepted.length, '/direct', 20_000);
    const deadline = Date.now() + 10_000;
    let settled: Array<{ status: string; attempt_count: number }> = [];
    do {
      settled = await server.store.db.query(
        'SELECT status, attempt_count FROM messages WHERE id = ANY($1::uuid[])',
        [accepted],
      );
      if (settled.every((r) => r.status === 'succeeded')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } while (Date.now() < deadline);
    assert.deepEqual(
      settled.map((r) => [r.status, r.attempt_count]),
      accepted.map(() => ['succeeded', 1]),
      'each delivered once more, and the attempt that died with its process is not counted',
    );
  });
});
