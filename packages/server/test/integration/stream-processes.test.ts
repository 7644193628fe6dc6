import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client } from '../helpers/http.js';
import { createInbound, ingest } from '../helpers/inbound.js';
import { TestListener } from '../helpers/listener.js';
import { type HookbridgeProcess, killAll, runHookbridge } from '../helpers/process.js';
import { startTestServer, TEST_MASTER_KEY, type TestServer } from '../helpers/server.js';

/**
 * Two API processes on one PostgreSQL: a webhook ingested by a `hookbridge api` child process reaches a
 * listener connected to the in-process server, through NOTIFY.
 */
describe('streaming across API processes [postgres]', { skip: !process.env.DATABASE_URL }, () => {
  let server: TestServer;
  let other: HookbridgeProcess;
  let otherUrl: string;
  let listener: TestListener | undefined;

  before(async () => {
    server = await startTestServer('postgres', {}, undefined, { api: true, worker: false });
    const { databaseUrl, schema } = server.store;
    const url = new URL(databaseUrl!);
    url.searchParams.set('options', `-c search_path=${schema}`);
    other = runHookbridge(['api', '--port', '0'], {
      DATABASE_URL: url.toString(),
      HOOKBRIDGE_MASTER_KEY: TEST_MASTER_KEY,
      HOOKBRIDGE_LOG_LEVEL: 'error',
    });
    otherUrl = (await other.waitFor(/listening on (http:\/\/\S+)/))[1]!;
  });
  after(async () => {
    killAll();
    await listener?.close();
    await server?.close();
  });

  it('delivers an ingest on one process to a listener on the other, fast', async () => {
    const api = client(server.url, server.apiKey);
    const endpoint = await createInbound(api, { mode: 'cli' });
    const connected = await TestListener.connect(server.url, server.apiKey, endpoint.id);
    listener = connected;
    const ingestUrl = endpoint.ingest_url.replace(server.url, otherUrl);
    assert.notEqual(ingestUrl, endpoint.ingest_url);
    const latencies: number[] = [];
    for (let n = 0; n < 20; n++) {
      const started = performance.now();
      const response = await ingest(ingestUrl, {
        body: `{"n":${n}}`,
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(response.status, 202, response.text);
      const frames = await connected.waitFor(n + 1);
      latencies.push(performance.now() - started);
      assert.equal(frames[n]?.message_id, response.body.data.message_id);
      assert.deepEqual(frames[n]?.body, { n });
    }
    const ids = connected.webhooks().map((frame) => frame.message_id);
    console.log(`# across processes: ${ids.length} frames, ${ids.length - new Set(ids).size} repeated`);
    latencies.sort((a, b) => a - b);
    const p50 = latencies[Math.floor(latencies.length / 2)]!;
    // Reported, not asserted: timing belongs to `npm run bench:inbound`, not to a test on a shared machine.
    console.log(
      `# ingest→listener across processes: p50 ${p50.toFixed(1)} ms over ${latencies.length} messages`,
    );
  });
});
