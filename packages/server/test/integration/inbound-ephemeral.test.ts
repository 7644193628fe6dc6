import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { RetentionJob } from '../../src/retention/job.js';
import type { Api } from '../helpers/http.js';
import { createInbound, ingest } from '../helpers/inbound.js';
import { TestListener } from '../helpers/listener.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';
import type { ResponseBody } from '../helpers/http.js';

type InboundList = ResponseBody<'/v1/inbound-endpoints', 'get'>;

const MINUTE = 60_000;

for (const kind of storeKinds()) {
  describe(`ephemeral inbound endpoints (hb CLI --ephemeral --ttl-minutes) [${kind}]`, () => {
    let server: TestServer;
    let api: Api;

    before(async () => {
      ({ server, api } = await startWithClient(kind));
    });
    after(async () => {
      await server.close();
    });

    /** Moves an endpoint's expiry into the past, as the clock would after its TTL. */
    const expire = (id: string) =>
      server.store.db.query(
        `UPDATE inbound_endpoints SET expires_at = now() - interval '1 second' WHERE id = $1`,
        [id],
      );
    const count = async (table: string, id: string) =>
      (
        await server.store.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${table} WHERE inbound_endpoint_id = $1`,
          [id],
        )
      )[0]!.n;

    it('create shows ephemeral and expires_at (ttl_minutes, default 60); the others are permanent', async () => {
      const before = Date.now();
      const short = await api('POST', '/v1/inbound-endpoints', {
        body: { mode: 'cli', name: 'tmp', ephemeral: true, ttl_minutes: 5 },
      });
      assert.equal(short.status, 201, short.text);
      assert.equal(short.body.data.ephemeral, true);
      const expires = Date.parse(short.body.data.expires_at);
      assert.ok(Math.abs(expires - (before + 5 * MINUTE)) < MINUTE / 2, short.text);
      const got = await api('GET', `/v1/inbound-endpoints/${short.body.data.id}`);
      assert.equal(got.body.data.ephemeral, true);
      assert.equal(got.body.data.expires_at, short.body.data.expires_at);
      const listed = (await api<InboundList>('GET', '/v1/inbound-endpoints')).body.data.find(
        (row) => row.id === short.body.data.id,
      );
      assert.ok(listed, 'the ephemeral endpoint is listed');
      assert.equal(listed.expires_at, short.body.data.expires_at);

      const defaulted = await api('POST', '/v1/inbound-endpoints', {
        body: { mode: 'cli', ephemeral: true },
      });
      assert.ok(
        Math.abs(Date.parse(defaulted.body.data.expires_at) - (before + 60 * MINUTE)) < MINUTE / 2,
        defaulted.text,
      );
      const permanent = await api('POST', '/v1/inbound-endpoints', { body: { mode: 'cli' } });
      assert.equal(permanent.body.data.ephemeral, false);
      assert.equal(permanent.body.data.expires_at, null);
    });

    it('refuses a ttl outside 1–1440 minutes, or a ttl without ephemeral, with 400 INVALID_REQUEST', async () => {
      for (const body of [
        { mode: 'cli', ephemeral: true, ttl_minutes: 0 },
        { mode: 'cli', ephemeral: true, ttl_minutes: 1441 },
        { mode: 'cli', ephemeral: true, ttl_minutes: 1.5 },
        { mode: 'cli', ephemeral: 'yes' },
        { mode: 'cli', ttl_minutes: 10 },
        { mode: 'cli', ephemeral: false, ttl_minutes: 10 },
      ]) {
        const response = await api('POST', '/v1/inbound-endpoints', { body });
        assert.equal(response.status, 400, `${JSON.stringify(body)}: ${response.text}`);
        assert.equal(response.body.error.code, 'INVALID_REQUEST');
      }
    });

    it('past its TTL the endpoint is gone at once (404, not listed, ingest 410); the sweep removes it and its messages', async () => {
      const endpoint = await createInbound(api, { mode: 'cli', ephemeral: true, ttl_minutes: 1 });
      const keep = await createInbound(api, { mode: 'cli' });
      const id = (await ingest(endpoint.ingest_url, { body: 'one' })).body.data.message_id;
      const listener = await TestListener.connect(server.url, server.apiKey, endpoint.id);
      await listener.waitFor(1);
      listener.send({ type: 'delivery_result', message_id: id, status_code: 200, latency_ms: 1 });
      await listener.close();
      await ingest(keep.ingest_url, { body: 'stays' });
      await expire(endpoint.id);

      assert.equal((await api('GET', `/v1/inbound-endpoints/${endpoint.id}`)).status, 404);
      assert.equal((await api('GET', `/v1/inbound-endpoints/${endpoint.id}/listen`)).status, 404);
      const list = (await api<InboundList>('GET', '/v1/inbound-endpoints')).body.data.map((row) => row.id);
      assert.ok(!list.includes(endpoint.id));
      assert.ok(list.includes(keep.id));
      assert.equal((await ingest(endpoint.ingest_url, { body: 'late' })).status, 410);

      const job = new RetentionJob(server.store.db, server.config, pino({ level: 'silent' }));
      const run = await job.runOnce();
      assert.ok(run.endpointsExpired >= 1, JSON.stringify(run));
      const left = await server.store.db.query('SELECT id FROM inbound_endpoints WHERE id = $1', [
        endpoint.id,
      ]);
      assert.deepEqual(left, []);
      for (const table of ['inbound_messages', 'inbound_attempts', 'inbound_rejections'])
        assert.equal(await count(table, endpoint.id), 0, table);
      assert.equal(await count('inbound_messages', keep.id), 1, 'other endpoints keep their messages');
      assert.equal((await api('GET', `/v1/inbound-messages/${id}`)).status, 404);
    });

    /** The close code and reason the server closed the listener with; fails if still open after 10 s. */
    const closed = (listener: TestListener) =>
      new Promise<{ code: number; reason: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the listener is still open after 10 s')), 10_000);
        listener.socket.once('close', (code, reason) => {
          clearTimeout(timer);
          resolve({ code, reason: reason.toString() });
        });
      });

    it('a connected listener is closed with 4410 "endpoint expired" when the sweep removes its endpoint', async () => {
      const endpoint = await createInbound(api, { mode: 'cli', ephemeral: true, ttl_minutes: 1 });
      const keep = await createInbound(api, { mode: 'cli' });
      const listener = await TestListener.connect(server.url, server.apiKey, endpoint.id);
      const other = await TestListener.connect(server.url, server.apiKey, keep.id);
      const gone = closed(listener);
      await ingest(endpoint.ingest_url, { body: 'one' });
      await listener.waitFor(1);
      await expire(endpoint.id);
      const job = new RetentionJob(server.store.db, server.config, pino({ level: 'silent' }));
      assert.ok((await job.runOnce()).endpointsExpired >= 1);
      assert.deepEqual(await gone, { code: 4410, reason: 'endpoint expired' });
      assert.equal(other.socket.readyState, other.socket.OPEN, 'other endpoints keep their listeners');
      await ingest(keep.ingest_url, { body: 'still here' });
      await other.waitFor(1);
      await other.close();
    });

    it('a connected listener is closed with 4410 at expires_at, before any sweep', async () => {
      const endpoint = await createInbound(api, { mode: 'cli', ephemeral: true, ttl_minutes: 1 });
      // A TTL of two seconds: the shortest the API takes is a minute.
      await server.store.db.query(
        `UPDATE inbound_endpoints SET expires_at = now() + interval '2 seconds' WHERE id = $1`,
        [endpoint.id],
      );
      const listener = await TestListener.connect(server.url, server.apiKey, endpoint.id);
      assert.deepEqual(await closed(listener), { code: 4410, reason: 'endpoint expired' });
    });
  });
}
