import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sha256Hex } from '../../src/lib/crypto.js';
import { newUuid } from '../../src/lib/ids.js';
import { insertInboundMessage } from '../../src/modules/inbound/ingest/store.js';
import type { Api } from '../helpers/http.js';
import { createInbound, type InboundMessageRow, ingest, messageRow } from '../helpers/inbound.js';
import { TestListener } from '../helpers/listener.js';
import { createProjectWithKey } from '../helpers/security.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';
import type { ResponseBody } from '../helpers/http.js';

type Poll = ResponseBody<'/v1/inbound-endpoints/{id}/listen', 'get'>;

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

async function waitForRow(server: TestServer, id: string, done: (row: InboundMessageRow) => boolean) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const row = await messageRow(server, id);
    if (done(row)) return row;
    if (Date.now() > deadline) assert.fail(`message ${id}: ${JSON.stringify(row)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

for (const kind of storeKinds()) {
  describe(`streaming to the hb CLI [${kind}]`, () => {
    let server: TestServer;
    let api: Api;
    const listeners: TestListener[] = [];
    const connect = async (endpointId: string, path?: string, query?: string) => {
      const listener = await TestListener.connect(server.url, server.apiKey, endpointId, path, query);
      listeners.push(listener);
      return listener;
    };

    before(async () => {
      ({ server, api } = await startWithClient(kind, {
        HOOKBRIDGE_STREAM_PING_MS: '300',
        HOOKBRIDGE_LISTEN_HOLD_MS: '1500',
      }));
    });
    after(async () => {
      await Promise.all(listeners.map((l) => l.close()));
      await server.close();
    });

    it('refuses before upgrading: 401 bad key, 404 unknown or foreign id, 400 forward mode or no id', async () => {
      const cli = await createInbound(api, { mode: 'cli' });
      const forward = await createInbound(api, { url: 'https://93.184.215.14/x' });
      const other = await createProjectWithKey(server, 'stream-other');
      const cases: Array<[string | null, string, number, string]> = [
        [null, `?endpoint_id=${cli.id}`, 401, 'UNAUTHORIZED'],
        [`hb_live_${'0'.repeat(32)}`, `?endpoint_id=${cli.id}`, 401, 'UNAUTHORIZED'],
        [server.apiKey, '?endpoint_id=01935abc-def0-7123-8567-890abcdef012', 404, 'ENDPOINT_NOT_FOUND'],
        [other.apiKey, `?endpoint_id=${cli.id}`, 404, 'ENDPOINT_NOT_FOUND'],
        [server.apiKey, `?endpoint_id=${forward.id}`, 400, 'INVALID_REQUEST'],
        [server.apiKey, '', 400, 'INVALID_REQUEST'],
      ];
      for (const [key, query, status, code] of cases) {
        const refused = await TestListener.refusal(server.url, key, query);
        assert.equal(refused.status, status, `${key} ${query}`);
        assert.equal(refused.body.error.code, code);
      }
    });

    it('sends the backlog oldest first, then live messages, in the spec frame shape', async () => {
      const endpoint = await createInbound(api, { mode: 'cli' });
      const before = [];
      for (let n = 0; n < 3; n++) {
        before.push(
          (
            await ingest(endpoint.ingest_url, {
              body: `{"n":${n}}`,
              headers: { 'content-type': 'application/json' },
            })
          ).body.data.message_id,
        );
      }
      const listener = await connect(endpoint.id);
      await listener.waitFor(3);
      const live = [];
      for (let n = 3; n < 6; n++) {
        live.push(
          (
            await ingest(endpoint.ingest_url, {
              body: `{"n":${n}}`,
              headers: { 'content-type': 'application/json', 'X-Provider': 'p' },
            })
          ).body.data.message_id,
        );
      }
      const frames = await listener.waitFor(6);
      assert.deepEqual(
        frames.map((f) => f.message_id),
        [...before, ...live],
      );
      assert.deepEqual(
        frames.map((f) => (f.body as { n: number }).n),
        [0, 1, 2, 3, 4, 5],
      );
      const last = frames[5];
      assert.ok(last);
      assert.deepEqual(Object.keys(last), [
        'type',
        'message_id',
        'content_type',
        'headers',
        'body',
        'size_bytes',
        'received_at',
        // Ours, after the spec's fields (the official CLI ignores unknown ones): the ingest's request line.
        'method',
        'path_suffix',
        'query',
      ]);
      assert.deepEqual([last.method, last.path_suffix, last.query], ['POST', '', '']);
      assert.equal(last.content_type, 'application/json');
      assert.equal(last.headers['X-Provider'], 'p');
      assert.equal(last.size_bytes, 7);
      assert.match(last.received_at, RFC3339_UTC);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(listener.webhooks().length, 6, 'nothing is sent twice');
    });

    it('records a delivery_result on the message; a new listener gets only what was not handed over', async () => {
      const endpoint = await createInbound(api, { mode: 'cli' });
      const first = await connect(endpoint.id);
      const a = (await ingest(endpoint.ingest_url, { body: 'a' })).body.data.message_id;
      const b = (await ingest(endpoint.ingest_url, { body: 'b' })).body.data.message_id;
      await first.waitFor(2);
      first.send({ type: 'delivery_result', message_id: a, status_code: 500, latency_ms: 12 });
      first.send({
        type: 'delivery_result',
        message_id: '01935abc-def0-7123-8567-890abcdef012',
        status_code: 200,
        latency_ms: 1,
      });
      first.send('not json');
      const row = await waitForRow(server, a, (r) => r.status === 'succeeded');
      assert.equal(row.response_status, 500);
      assert.equal(row.response_latency_ms, 12);
      assert.ok(row.handed_over_at && row.delivered_at);
      const second = await connect(endpoint.id);
      const frames = await second.waitFor(1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(
        second.webhooks().map((f) => f.message_id),
        [b],
      );
      assert.equal(frames[0].message_id, b);
      assert.equal((await messageRow(server, b)).status, 'queued');
    });

    it('gives every listener of an endpoint every message, binary bodies base64 and byte-exact', async () => {
      const endpoint = await createInbound(api, { mode: 'cli' });
      const [one, two] = [await connect(endpoint.id), await connect(endpoint.id, '/v1/listen/v1/listen')];
      const bytes = randomBytes(2048);
      const id = (
        await ingest(endpoint.ingest_url, { body: bytes, headers: { 'content-type': 'image/png' } })
      ).body.data.message_id;
      for (const listener of [one, two]) {
        const [frame] = await listener.waitFor(1);
        assert.equal(frame.message_id, id);
        assert.equal(frame.body_encoding, 'base64');
        assert.deepEqual(Buffer.from(String(frame.body), 'base64'), bytes);
        assert.equal(frame.size_bytes, 2048);
      }
    });

    it('pings every HOOKBRIDGE_STREAM_PING_MS', async () => {
      const endpoint = await createInbound(api, { mode: 'cli' });
      const listener = await connect(endpoint.id);
      const pings = await listener.waitFor(2, 'ping', 3000);
      assert.deepEqual(pings[0], { type: 'ping' });
    });

    it('long-poll: pages of 50 after a cursor, next_cursor, then holds until a message arrives', async () => {
      const endpoint = await createInbound(api, { mode: 'cli' });
      const ids: string[] = [];
      for (let n = 0; n < 60; n++)
        ids.push(
          (
            await ingest(endpoint.ingest_url, {
              body: `{"n":${n}}`,
              headers: { 'content-type': 'application/json' },
            })
          ).body.data.message_id,
        );
      const path = `/v1/inbound-endpoints/${endpoint.id}/listen`;
      const page1 = await api<Poll>('GET', path);
      assert.equal(page1.status, 200, page1.text);
      assert.equal(page1.body.data.length, 50);
      const [oldest] = page1.body.data;
      assert.ok(oldest);
      assert.equal('type' in oldest, false, 'a polled row is a webhook frame without its type');
      assert.deepEqual(oldest.body, { n: 0 });
      assert.equal(page1.body.meta.next_cursor, ids[49]);
      assert.equal(page1.body.meta.has_more, true);
      const page2 = await api<Poll>('GET', `${path}?after=${page1.body.meta.next_cursor}`);
      assert.deepEqual(
        page2.body.data.map((m) => m.message_id),
        ids.slice(50),
      );
      assert.equal(page2.body.meta.has_more, false);

      const started = Date.now();
      const empty = await api<Poll>('GET', `${path}?after=${page2.body.meta.next_cursor}`);
      assert.ok(Date.now() - started >= 1400, 'an empty poll is held');
      assert.deepEqual(empty.body.data, []);
      assert.equal(empty.body.meta.next_cursor, null);

      const held = api<Poll>('GET', `${path}?after=${page2.body.meta.next_cursor}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const newId = (await ingest(endpoint.ingest_url, { body: 'late' })).body.data.message_id;
      const answered = await held;
      assert.deepEqual(
        answered.body.data.map((m) => m.message_id),
        [newId],
      );
      assert.equal(answered.body.data[0]?.body_encoding, 'base64');
    });

    it('long-poll pages by bytes too: about 1 MB per answer, every large body exactly once', async () => {
      const endpoint = await createInbound(api, { mode: 'cli' });
      const bodies = Array.from({ length: 5 }, () => randomBytes(700 * 1024));
      const ids: string[] = [];
      for (const body of bodies) ids.push((await ingest(endpoint.ingest_url, { body })).body.data.message_id);
      const path = `/v1/inbound-endpoints/${endpoint.id}/listen`;
      const seen: string[] = [];
      const pages: Array<{ count: number; hasMore: boolean }> = [];
      let query = '';
      for (let n = 0; n < 10; n++) {
        const page = await api<Poll>('GET', `${path}${query}`);
        assert.equal(page.status, 200, page.text);
        if (page.body.data.length === 0) break;
        for (const message of page.body.data) {
          const index = ids.indexOf(message.message_id);
          assert.ok(index >= 0, message.message_id);
          assert.ok(Buffer.from(String(message.body), 'base64').equals(bodies[index]!), 'byte-exact');
          seen.push(message.message_id);
        }
        pages.push({ count: page.body.data.length, hasMore: page.body.meta.has_more });
        query = `?after=${page.body.meta.next_cursor}`;
      }
      // 700 KB each: a second one starts below 1 MB, a third would not, so two per answer.
      assert.deepEqual(pages, [
        { count: 2, hasMore: true },
        { count: 2, hasMore: true },
        { count: 1, hasMore: false },
      ]);
      assert.deepEqual(seen, ids, 'every message once, in order');
    });

    it('long-poll lists a message committed late below the cursor, and a replayed one, exactly once more', async () => {
      const endpoint = await createInbound(api, { mode: 'cli' });
      const path = `/v1/inbound-endpoints/${endpoint.id}/listen`;
      // The race: an ingest takes its UUIDv7 id, and commits only after a later ingest was polled.
      const lateId = newUuid();
      const early = (await ingest(endpoint.ingest_url, { body: 'early' })).body.data.message_id;
      const first = await api<Poll>('GET', path);
      assert.deepEqual(
        first.body.data.map((m) => m.message_id),
        [early],
      );
      const cursor = first.body.meta.next_cursor;
      assert.equal(cursor, early);
      assert.ok(lateId < cursor, 'the late id sorts before the cursor');
      const inserted = await insertInboundMessage(server.store.db, {
        id: lateId,
        endpointId: endpoint.id,
        payload: Buffer.from('late'),
        payloadSha256: sha256Hex('late'),
        contentType: 'text/plain',
        headers: {},
        sourceIp: null,
        idempotencyKey: null,
      });
      assert.ok(inserted);
      const next = (await ingest(endpoint.ingest_url, { body: 'next' })).body.data.message_id;

      const second = await api<Poll>('GET', `${path}?after=${cursor}`);
      assert.deepEqual(
        second.body.data.map((m) => m.message_id),
        [lateId, next],
        'the late message is not skipped',
      );
      assert.equal(second.body.meta.next_cursor, next);
      const third = await api<Poll>('GET', `${path}?after=${next}`);
      assert.deepEqual(third.body.data, [], 'and not listed again');

      // A replay puts an already polled message back in front of the poller, below its cursor.
      const replayed = await api('POST', `/v1/inbound-messages/${early}/replay`);
      assert.equal(replayed.status, 202, replayed.text);
      const fourth = await api<Poll>('GET', `${path}?after=${next}`);
      assert.deepEqual(
        fourth.body.data.map((m) => m.message_id),
        [early],
      );
      assert.equal(fourth.body.meta.next_cursor, next, 'a page below the cursor does not move it back');
    });

    it('ack=1: a hello frame first; an ack frame hands a message over without recording a result', async () => {
      const endpoint = await createInbound(api, { mode: 'cli' });
      const a = (await ingest(endpoint.ingest_url, { body: 'a' })).body.data.message_id;
      const b = (await ingest(endpoint.ingest_url, { body: 'b' })).body.data.message_id;
      const first = await connect(endpoint.id, '/v1/listen', 'ack=1');
      await first.waitFor(2);
      assert.deepEqual(first.frames[0], { type: 'hello', ping_ms: 300, backlog: 2 });
      first.send({ type: 'ack', message_id: a });
      assert.equal(first.webhookAt(1).body_encoding, 'base64');
      assert.equal(Buffer.from(String(first.webhookAt(1).body), 'base64').toString(), 'a');
      const row = await waitForRow(server, a, (r) => r.handed_over_at !== null);
      assert.equal(row.status, 'queued');
      assert.equal(row.response_status, null);
      await first.close();
      // b was sent but never acknowledged: a reconnecting listener gets it again, and only it.
      const second = await connect(endpoint.id, '/v1/listen', 'ack=1');
      await second.waitFor(1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(second.frames[0], { type: 'hello', ping_ms: 300, backlog: 1 });
      assert.deepEqual(
        second.webhooks().map((f) => f.message_id),
        [b],
      );
      // Without ack=1 (the official CLI) no hello frame: it would take any non-ping frame for a webhook.
      const plain = await connect(endpoint.id);
      await plain.waitFor(1);
      assert.equal(plain.frames[0]?.type, 'webhook');
    });

    it('after=<id> resumes: also messages after it that another listener took; a bad id is 400', async () => {
      const endpoint = await createInbound(api, { mode: 'cli' });
      const ids: string[] = [];
      for (const body of ['1', '2', '3'])
        ids.push((await ingest(endpoint.ingest_url, { body })).body.data.message_id);
      const other = await connect(endpoint.id);
      await other.waitFor(3);
      for (const id of ids)
        other.send({ type: 'delivery_result', message_id: id, status_code: 200, latency_ms: 1 });
      await waitForRow(server, ids[2]!, (r) => r.handed_over_at !== null);
      const resumed = await connect(endpoint.id, '/v1/listen', `ack=1&after=${ids[0]}`);
      await resumed.waitFor(2);
      assert.deepEqual(resumed.frames[0], { type: 'hello', ping_ms: 300, backlog: 2 });
      assert.deepEqual(
        resumed.webhooks().map((f) => f.message_id),
        ids.slice(1),
      );
      const refused = await TestListener.refusal(
        server.url,
        server.apiKey,
        `?endpoint_id=${endpoint.id}&after=x`,
      );
      assert.equal(refused.status, 400);
    });

    it('long-poll ack=1 hands nothing over until POST …/listen/ack; results are recorded', async () => {
      const endpoint = await createInbound(api, { mode: 'cli' });
      const path = `/v1/inbound-endpoints/${endpoint.id}/listen`;
      const json = (
        await ingest(endpoint.ingest_url, {
          body: '{"x": 1.0}',
          headers: { 'content-type': 'application/json' },
        })
      ).body.data.message_id;
      const jsonRow = (await api<Poll>('GET', `${path}?ack=1`)).body.data[0];
      assert.ok(jsonRow);
      assert.equal(jsonRow.message_id, json);
      assert.equal(
        Buffer.from(String(jsonRow.body), 'base64').toString(),
        '{"x": 1.0}',
        'JSON bodies base64 too',
      );
      await api('POST', `${path}/ack`, { body: { acks: [{ message_id: json }] } });
      const a = (await ingest(endpoint.ingest_url, { body: 'a' })).body.data.message_id;
      const b = (await ingest(endpoint.ingest_url, { body: 'b' })).body.data.message_id;
      for (let n = 0; n < 2; n++) {
        const page = await api<Poll>('GET', `${path}?ack=1`);
        assert.deepEqual(
          page.body.data.map((m) => m.message_id),
          [a, b],
        );
      }
      const acked = await api('POST', `${path}/ack`, {
        body: { acks: [{ message_id: a, status_code: 201, latency_ms: 7 }, { message_id: b }] },
      });
      assert.equal(acked.status, 200, acked.text);
      assert.equal(acked.body.data.acknowledged, 2);
      const rowA = await messageRow(server, a);
      assert.equal(rowA.status, 'succeeded');
      assert.equal(rowA.response_status, 201);
      const rowB = await messageRow(server, b);
      assert.equal(rowB.status, 'queued');
      assert.ok(rowB.handed_over_at);
      const c = (await ingest(endpoint.ingest_url, { body: 'c' })).body.data.message_id;
      const next = await api<Poll>('GET', `${path}?ack=1`);
      assert.deepEqual(
        next.body.data.map((m) => m.message_id),
        [c],
      );
      for (const body of [
        {},
        { acks: [] },
        { acks: [{ message_id: 'x' }] },
        { acks: [{ message_id: c, status_code: 42 }] },
      ]) {
        const bad = await api('POST', `${path}/ack`, { body });
        assert.equal(bad.status, 400, JSON.stringify(body));
        assert.equal(bad.body.error.code, 'INVALID_REQUEST');
      }
    });

    it('answers a plain GET (no Upgrade) with 400 INVALID_REQUEST saying what is missing', async () => {
      const cli = await createInbound(api, { mode: 'cli' });
      const plain = await api('GET', `/v1/listen?endpoint_id=${cli.id}`);
      assert.equal(plain.status, 400, plain.text);
      assert.equal(plain.body.error.code, 'INVALID_REQUEST');
      assert.match(plain.body.error.message, /Upgrade: websocket/);
    });

    it('long-poll refuses forward endpoints (400) and bad cursors (400)', async () => {
      const forward = await createInbound(api, { url: 'https://93.184.215.14/y' });
      const refused = await api('GET', `/v1/inbound-endpoints/${forward.id}/listen`);
      assert.equal(refused.status, 400);
      const cli = await createInbound(api, { mode: 'cli' });
      assert.equal((await api('GET', `/v1/inbound-endpoints/${cli.id}/listen?after=nope`)).status, 400);
    });
  });
}
