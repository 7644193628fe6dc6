import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { RetentionJob } from '../../src/retention/job.js';
import { type Api, call, type ResponseBody } from '../helpers/http.js';
import { createInbound, ingest, rejectionsOf } from '../helpers/inbound.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

interface CreatedPull {
  id: string;
  ingest_url: string;
  secret_token: string;
}

async function createPull(api: Api, body: Record<string, unknown> = {}): Promise<CreatedPull> {
  const response = await api('POST', '/v1/pull-endpoints', { body });
  assert.equal(response.status, 201, response.text);
  return response.body.data;
}

/** The pull_events columns these tests read. */
interface PullEventRow {
  id: string;
  status: string;
  payload: Uint8Array | null;
  headers: Record<string, string>;
  fetch_count: number;
  delivered_at: Date | null;
  deleted_at: Date | null;
  deleted_by_api_key_id: string | null;
  received_at: Date;
  expires_at: Date;
}

const storedEvents = async (server: TestServer, endpointId: string) =>
  server.store.db.query<PullEventRow>('SELECT * FROM pull_events WHERE pull_endpoint_id = $1 ORDER BY id', [
    endpointId,
  ]);

async function post(endpoint: CreatedPull, body: unknown, headers: Record<string, string> = {}) {
  const response = await ingest(endpoint.ingest_url, {
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
  assert.equal(response.status, 202, response.text);
  return response.body.data.message_id as string;
}

for (const kind of storeKinds()) {
  describe(`pull endpoints [${kind}]`, () => {
    let server: TestServer;
    let api: Api;

    before(async () => {
      ({ server, api } = await startWithClient(kind));
    });
    after(() => server.close());

    it('creates, lists, gets and updates a pull endpoint; the token is shown once', async () => {
      const created = await api('POST', '/v1/pull-endpoints', {
        body: {
          name: 'Stripe Pull',
          description: 'Stores provider events for polling',
          retention_days: 14,
          event_type_source: 'body',
          event_type_path: 'type',
          verify_static_token: true,
          token_header_name: 'X-Webhook-Token',
          token_value: 'secret-token-value',
          idempotency_header_names: ['X-Idempotency-Key'],
          ingest_response_code: 202,
        },
      });
      assert.equal(created.status, 201, created.text);
      const data = created.body.data;
      assert.match(data.secret_token, /^[0-9a-f]{32}$/);
      assert.equal(data.ingest_url, `${server.url}/v1/webhooks/receive/${data.id}/${data.secret_token}`);
      assert.equal(data.mode, 'pull');
      assert.equal(data.retention_days, 14);
      assert.equal(data.event_type_source, 'body');
      assert.equal(data.verify_static_token, true);
      assert.equal(data.active, true);
      assert.equal(data.paused, false);
      assert.ok(!('token_value' in data) && !JSON.stringify(data).includes('secret-token-value'));

      const listed = await api<ResponseBody<'/v1/pull-endpoints', 'get'>>(
        'GET',
        '/v1/pull-endpoints?limit=10',
      );
      const row = listed.body.data.find((e) => e.id === data.id);
      assert.ok(row, 'the new endpoint is listed');
      assert.deepEqual(Object.keys(row).sort(), [
        'active',
        'created_at',
        'id',
        'ingest_url',
        'mode',
        'name',
        'paused',
      ]);
      assert.equal(listed.body.meta.has_more, false);

      const got = await api('GET', `/v1/pull-endpoints/${data.id}`);
      assert.equal(got.status, 200, got.text);
      assert.deepEqual(got.body.data.counts, { stored: 0, fetched: 0, delivered: 0, total: 0 });
      assert.equal(got.body.data.secret_token, undefined);
      assert.equal(got.body.data.ingest_url, data.ingest_url);

      const updated = await api('PATCH', `/v1/pull-endpoints/${data.id}`, {
        body: { name: 'Stripe Pull Renamed', retention_days: 21 },
      });
      assert.equal(updated.status, 200, updated.text);
      assert.equal(updated.body.data.name, 'Stripe Pull Renamed');
      assert.equal(updated.body.data.retention_days, 21);
      assert.equal(updated.body.data.verify_static_token, true, 'fields not sent are unchanged');
      assert.ok(updated.body.data.counts);
    });

    it('refuses bad settings with 400 and keeps pull and inbound endpoints apart', async () => {
      for (const body of [
        { retention_days: 0 },
        { retention_days: 366 },
        { event_type_source: 'body' },
        { event_type_path: 'type' },
        { event_type_source: 'query', event_type_path: 'x' },
        { verify_hmac: true },
        { url: 'https://example.com/hook' },
        { mode: 'pull' },
      ]) {
        const response = await api('POST', '/v1/pull-endpoints', { body });
        assert.equal(response.status, 400, `${JSON.stringify(body)}: ${response.text}`);
        assert.equal(response.body.error.code, 'INVALID_REQUEST');
      }
      const pull = await createPull(api);
      const inbound = await createInbound(api, { mode: 'cli' });
      assert.equal((await api('GET', `/v1/inbound-endpoints/${pull.id}`)).status, 404);
      assert.equal((await api('DELETE', `/v1/inbound-endpoints/${pull.id}`)).status, 404);
      assert.equal((await api('POST', `/v1/inbound-endpoints/${pull.id}/pause`)).status, 404);
      const inboundList = await api<ResponseBody<'/v1/inbound-endpoints', 'get'>>(
        'GET',
        '/v1/inbound-endpoints?limit=100',
      );
      assert.ok(!inboundList.body.data.some((e) => e.id === pull.id));
      assert.equal((await api('GET', `/v1/pull-endpoints/${inbound.id}`)).status, 404);
      assert.equal((await api('GET', '/v1/pull-endpoints/nope')).body.error.code, 'ENDPOINT_NOT_FOUND');
    });

    it('stores verified ingests as events: stored → fetched (not by a preview) → delivered, with timings', async () => {
      const endpoint = await createPull(api, {
        event_type_source: 'body',
        event_type_path: 'data.kind',
        verify_static_token: true,
        token_header_name: 'X-Token',
        token_value: 'let-me-in',
      });
      const refused = await ingest(endpoint.ingest_url, { body: '{}', headers: { 'X-Token': 'wrong' } });
      assert.equal(refused.status, 401);
      assert.equal((await rejectionsOf(server, endpoint.id))[0]!.reason_code, 'static_token_failed');
      assert.equal((await storedEvents(server, endpoint.id)).length, 0);

      const id = await post(endpoint, { data: { kind: 'invoice.paid' }, n: 1 }, { 'X-Token': 'let-me-in' });
      const listed = await api('GET', `/v1/pull-endpoints/${endpoint.id}/events`);
      assert.equal(listed.status, 200, listed.text);
      assert.deepEqual(listed.body.meta.next_cursor, '');
      assert.equal(listed.body.meta.has_more, false);
      const [summary] = listed.body.data;
      assert.equal(summary.id, id);
      assert.equal(summary.event_type, 'invoice.paid');
      assert.equal(summary.status, 'stored');
      assert.equal(summary.fetched_at, null);
      assert.equal(summary.payload, undefined, 'the list is metadata only');
      assert.ok(Number.isInteger(summary.timing.ingest_processing_ms));

      const preview = await api('GET', `/v1/pull-endpoints/${endpoint.id}/events/${id}?preview=true`);
      assert.equal(preview.body.data.status, 'stored');
      assert.deepEqual(preview.body.data.payload, { data: { kind: 'invoice.paid' }, n: 1 });
      assert.equal(preview.body.data.payload_encoding, 'json');
      const headers = Object.fromEntries(
        Object.entries(preview.body.data.headers as Record<string, string>).map(([k, v]) => [
          k.toLowerCase(),
          v,
        ]),
      );
      assert.equal(headers['x-token'], '[redacted]', 'the static token is not kept');
      assert.equal(headers['content-type'], 'application/json');
      const [stored] = await storedEvents(server, endpoint.id);
      assert.ok(stored);
      assert.ok(!JSON.stringify(stored.headers).includes('let-me-in'));
      assert.equal(preview.body.data.content_type, 'application/json');

      const fetched = await api('GET', `/v1/pull-endpoints/${endpoint.id}/events/${id}`);
      assert.equal(fetched.body.data.status, 'fetched');
      assert.match(fetched.body.data.fetched_at, /Z$/);
      assert.ok(Number.isInteger(fetched.body.data.timing.time_to_fetch_ms));
      assert.equal(fetched.body.data.fetch_count, 1);
      const counts = (await api('GET', `/v1/pull-endpoints/${endpoint.id}`)).body.data.counts;
      assert.deepEqual(counts, { stored: 0, fetched: 1, delivered: 0, total: 1 });

      const ack = await api('POST', `/v1/pull-endpoints/${endpoint.id}/events/ack`, {
        body: { event_ids: [id] },
      });
      assert.deepEqual(ack.body.data, { acknowledged: 1 });
      const again = await api('POST', `/v1/pull-endpoints/${endpoint.id}/events/ack`, {
        body: { event_ids: [id, randomUUID(), 'junk'] },
      });
      assert.deepEqual(again.body.data, { acknowledged: 0 }, 'a second ack changes nothing');
      const delivered = await api('GET', `/v1/pull-endpoints/${endpoint.id}/events/${id}?preview=true`);
      assert.equal(delivered.body.data.status, 'delivered', 'acknowledged events stay retrievable');
      assert.ok(Number.isInteger(delivered.body.data.timing.total_ms));
      const byStatus = await api<ResponseBody<'/v1/pull-endpoints/{id}/events', 'get'>>(
        'GET',
        `/v1/pull-endpoints/${endpoint.id}/events?status=delivered`,
      );
      assert.deepEqual(
        byStatus.body.data.map((e) => e.id),
        [id],
      );

      const text = await ingest(endpoint.ingest_url, {
        body: 'plain words',
        headers: { 'X-Token': 'let-me-in' },
      });
      const textEvent = await api(
        'GET',
        `/v1/pull-endpoints/${endpoint.id}/events/${text.body.data.message_id}`,
      );
      assert.equal(textEvent.body.data.payload, 'plain words');
      assert.equal(textEvent.body.data.payload_encoding, 'text');
      assert.equal(textEvent.body.data.event_type, null);
      const binary = await ingest(endpoint.ingest_url, {
        body: new Uint8Array([0xff, 0x00, 0xfe]),
        headers: { 'X-Token': 'let-me-in' },
      });
      const binaryEvent = await api(
        'GET',
        `/v1/pull-endpoints/${endpoint.id}/events/${binary.body.data.message_id}`,
      );
      assert.equal(binaryEvent.body.data.payload, Buffer.from([0xff, 0x00, 0xfe]).toString('base64'));
      assert.equal(binaryEvent.body.data.payload_encoding, 'base64');
    });

    it('deduplicates by the idempotency headers and filters the event list', async () => {
      const endpoint = await createPull(api, {
        event_type_source: 'header',
        event_type_path: 'X-Event',
        idempotency_header_names: ['X-Delivery'],
      });
      const first = await post(endpoint, { a: 1 }, { 'X-Delivery': 'd1', 'X-Event': 'a.created' });
      const duplicate = await post(endpoint, { a: 1 }, { 'X-Delivery': 'd1', 'X-Event': 'a.created' });
      assert.equal(duplicate, first);
      const ids = [first];
      for (let n = 0; n < 4; n++)
        ids.push(await post(endpoint, { n }, { 'X-Event': n % 2 ? 'b.odd' : 'b.even' }));
      assert.equal((await storedEvents(server, endpoint.id)).length, 5);

      const base = `/v1/pull-endpoints/${endpoint.id}/events`;
      const odd = await api<ResponseBody<'/v1/pull-endpoints/{id}/events', 'get'>>(
        'GET',
        `${base}?event_type=b.odd`,
      );
      assert.deepEqual(
        odd.body.data.map((e) => e.id),
        [ids[2], ids[4]],
      );
      const page1 = await api('GET', `${base}?limit=2`);
      assert.equal(page1.body.meta.has_more, true);
      assert.notEqual(page1.body.meta.next_cursor, '');
      const page2 = await api('GET', `${base}?limit=2&cursor=${page1.body.meta.next_cursor}`);
      const page3 = await api('GET', `${base}?limit=2&cursor=${page2.body.meta.next_cursor}`);
      assert.deepEqual(
        [...page1.body.data, ...page2.body.data, ...page3.body.data].map((e) => e.id),
        ids,
      );
      const future = await api('GET', `${base}?since=2999-01-01T00:00:00Z`);
      assert.deepEqual(future.body.data, []);
      const past = await api('GET', `${base}?before=2000-01-01T00:00:00%2B02:00`);
      assert.deepEqual(past.body.data, []);
      const all = await api('GET', `${base}?since=2000-01-01T00:00:00Z&before=2999-01-01T00:00:00Z`);
      assert.equal(all.body.data.length, 5);
      for (const bad of [
        'limit=0',
        'limit=1001',
        'status=lost',
        'since=today',
        'cursor=%%%',
        'since=2026-01-02T00:00:00Z&before=2026-01-01T00:00:00Z',
      ]) {
        const response = await api('GET', `${base}?${bad}`);
        assert.equal(response.status, 400, `${bad}: ${response.text}`);
      }
      assert.equal((await api('GET', `${base}/${randomUUID()}`)).body.error.code, 'EVENT_NOT_FOUND');
      assert.equal((await api('GET', `${base}/nope`)).status, 404);
    });

    it("the ingest answers the event's own status: stored, and a duplicate's current status", async () => {
      const endpoint = await createPull(api, { idempotency_header_names: ['X-Delivery'] });
      const send = () =>
        ingest(endpoint.ingest_url, {
          body: '{"a":1}',
          headers: { 'content-type': 'application/json', 'X-Delivery': 'once' },
        });
      const first = await send();
      assert.equal(first.status, 202, first.text);
      assert.equal(first.body.data.status, 'stored');
      const id = first.body.data.message_id;
      const events = `/v1/pull-endpoints/${endpoint.id}/events`;
      assert.equal((await api('GET', `${events}/${id}?preview=true`)).body.data.status, 'stored');

      assert.equal((await api('GET', `${events}/${id}`)).body.data.status, 'fetched');
      const fetched = await send();
      assert.deepEqual(fetched.body.data, { message_id: id, status: 'fetched' });
      await api('POST', `${events}/ack`, { body: { event_ids: [id] } });
      const delivered = await send();
      assert.deepEqual(delivered.body.data, { message_id: id, status: 'delivered' });

      const inbound = await createInbound(api, { mode: 'cli' });
      assert.equal((await ingest(inbound.ingest_url, { body: 'x' })).body.data.status, 'queued');
    });

    it('several consumers polling one endpoint at once lose no event; each ack counts once', async () => {
      const endpoint = await createPull(api);
      const base = `/v1/pull-endpoints/${endpoint.id}/events`;
      const sent = new Set<string>();
      for (let n = 0; n < 30; n++) sent.add(await post(endpoint, { n }));

      const fetchedBy = new Map<string, number>();
      let acknowledged = 0;
      let producing = true;
      const producer = (async () => {
        for (let n = 30; n < 50; n++) sent.add(await post(endpoint, { n }));
        producing = false;
      })();
      const consumer = async () => {
        for (let idle = 0; idle < 3; ) {
          const page = await api('GET', `${base}?limit=5`);
          assert.equal(page.status, 200, page.text);
          if (page.body.data.length === 0) {
            if (!producing) idle++;
            await new Promise((resolve) => setTimeout(resolve, 10));
            continue;
          }
          const ids: string[] = [];
          for (const event of page.body.data) {
            const got = await api('GET', `${base}/${event.id}`);
            // Another consumer may have acknowledged it meanwhile: it is still retrievable.
            assert.equal(got.status, 200, got.text);
            fetchedBy.set(event.id, (fetchedBy.get(event.id) ?? 0) + 1);
            ids.push(event.id);
          }
          const ack = await api('POST', `${base}/ack`, { body: { event_ids: ids } });
          acknowledged += ack.body.data.acknowledged;
        }
      };
      await Promise.all([producer, consumer(), consumer(), consumer(), consumer()]);

      assert.equal(sent.size, 50);
      assert.deepEqual(new Set(fetchedBy.keys()), sent, 'every event was fetched by some consumer');
      assert.equal(acknowledged, 50, 'acknowledgements count each event exactly once');
      const rows = await storedEvents(server, endpoint.id);
      assert.equal(rows.length, 50);
      assert.ok(rows.every((r) => r.status === 'delivered' && r.delivered_at));
      const fetches = rows.reduce((sum, r) => sum + r.fetch_count, 0);
      assert.equal(
        fetches,
        [...fetchedBy.values()].reduce((a, b) => a + b, 0),
        'fetch_count records every fetch, duplicates included',
      );
    });

    it('pause: ingests answer 503 and nothing is stored; resume accepts again; delete answers 410', async () => {
      const endpoint = await createPull(api);
      const paused = await api('POST', `/v1/pull-endpoints/${endpoint.id}/pause`);
      assert.deepEqual(paused.body.data, { id: endpoint.id, paused: true });
      const refused = await ingest(endpoint.ingest_url, { body: '{"n":1}' });
      assert.equal(refused.status, 503, refused.text);
      assert.equal(refused.body.error.code, 'ENDPOINT_PAUSED');
      assert.equal((await storedEvents(server, endpoint.id)).length, 0, 'nothing stored while paused');
      assert.equal((await rejectionsOf(server, endpoint.id)).at(-1)!.reason_code, 'endpoint_paused');

      const resumed = await api('POST', `/v1/pull-endpoints/${endpoint.id}/resume`);
      assert.deepEqual(resumed.body.data, { id: endpoint.id, paused: false });
      const id = await post(endpoint, { n: 2 });

      const deleted = await api('DELETE', `/v1/pull-endpoints/${endpoint.id}`);
      assert.deepEqual(deleted.body.data, { id: endpoint.id, deleted: true });
      assert.equal((await ingest(endpoint.ingest_url, { body: '{}' })).status, 410);
      assert.equal((await api('GET', `/v1/pull-endpoints/${endpoint.id}/events/${id}`)).status, 404);
      assert.equal((await api('GET', `/v1/pull-endpoints/${endpoint.id}/events`)).status, 404);
      assert.equal((await api('DELETE', `/v1/pull-endpoints/${endpoint.id}`)).status, 404);
    });

    it('deletes events with their payload, by id, by batch and by filter', async () => {
      const endpoint = await createPull(api, { event_type_source: 'body', event_type_path: 'type' });
      const base = `/v1/pull-endpoints/${endpoint.id}/events`;
      const ids: string[] = [];
      for (const type of ['user.created', 'user.created', 'user.deleted', 'user.created']) {
        ids.push(await post(endpoint, { type, secret: 'pii' }));
      }
      const one = await api('DELETE', `${base}/${ids[0]}`);
      assert.equal(one.status, 200, one.text);
      assert.equal(one.body.data.event_id, ids[0]);
      assert.equal(one.body.data.already_deleted, false);
      assert.equal((await api('DELETE', `${base}/${ids[0]}`)).body.data.already_deleted, true);
      const [erased] = (await storedEvents(server, endpoint.id)).filter((r) => r.id === ids[0]);
      assert.ok(erased);
      assert.equal(erased.payload, null);
      assert.deepEqual(erased.headers, {});
      assert.ok(erased.deleted_at && erased.deleted_by_api_key_id);
      assert.equal((await api('GET', `${base}/${ids[0]}`)).status, 404);
      assert.ok(
        !(await api<ResponseBody<'/v1/pull-endpoints/{id}/events', 'get'>>('GET', base)).body.data.some(
          (e) => e.id === ids[0],
        ),
      );

      const batch = await api<ResponseBody<'/v1/pull-endpoints/{id}/events/delete-batch', 'post'>>(
        'POST',
        `${base}/delete-batch`,
        { body: { message_ids: [ids[1], ids[0], randomUUID()] } },
      );
      assert.equal(batch.status, 200, batch.text);
      assert.deepEqual(
        batch.body.data.results.map((r) => [r.event_id, r.outcome]),
        [
          [ids[1], 'deleted'],
          [ids[0], 'already_deleted'],
          [batch.body.data.results[2]?.event_id, 'not_found'],
        ],
      );
      assert.deepEqual(
        [
          batch.body.data.deleted_count,
          batch.body.data.already_deleted_count,
          batch.body.data.not_found_count,
        ],
        [1, 1, 1],
      );
      const reused = await createPull(api, { idempotency_header_names: ['X-Delivery'] });
      const firstId = await post(reused, { n: 1 }, { 'X-Delivery': 'k' });
      await api('DELETE', `/v1/pull-endpoints/${reused.id}/events/${firstId}`);
      assert.notEqual(
        await post(reused, { n: 1 }, { 'X-Delivery': 'k' }),
        firstId,
        'a deleted event frees its key',
      );
      const all = await api('POST', `${base}/delete-all?event_type=user.created`);
      assert.deepEqual(all.body.data, { deleted: 1, deleted_event_ids: [ids[3]], has_more: false });
      assert.deepEqual(
        (await api<ResponseBody<'/v1/pull-endpoints/{id}/events', 'get'>>('GET', base)).body.data.map(
          (e) => e.id,
        ),
        [ids[2]],
      );
      for (const body of [{}, { message_ids: [] }, { message_ids: [ids[2]], event_ids: [ids[2]] }]) {
        assert.equal((await api('POST', `${base}/delete-batch`, { body })).status, 400);
      }
      assert.equal((await api('POST', `${base}/delete-all?limit=1001`)).status, 400);
      assert.equal((await api('DELETE', `${base}/${randomUUID()}`)).body.error.code, 'EVENT_NOT_FOUND');
    });

    it('pull logs, metrics and timeseries count received, fetched and acknowledged events', async () => {
      const endpoint = await createPull(api, {
        name: 'Observed',
        event_type_source: 'body',
        event_type_path: 'type',
      });
      const base = `/v1/pull-endpoints/${endpoint.id}/events`;
      const ids: string[] = [];
      for (let n = 0; n < 4; n++) ids.push(await post(endpoint, { type: 'metric.test', n }));
      await api('GET', `${base}/${ids[0]}`);
      await api('GET', `${base}/${ids[0]}`);
      await api('GET', `${base}/${ids[1]}`);
      await api('POST', `${base}/ack`, { body: { event_ids: [ids[0]] } });

      const logs = await api<ResponseBody<'/v1/pull-logs', 'get'>>(
        'GET',
        `/v1/pull-logs?pull_endpoint_id=${endpoint.id}&limit=3`,
      );
      assert.equal(logs.status, 200, logs.text);
      assert.deepEqual(
        logs.body.data.map((e) => e.event_id),
        [ids[3], ids[2], ids[1]],
      );
      assert.equal(logs.body.meta.has_more, true);
      const [entry] = logs.body.data;
      assert.ok(entry);
      assert.equal(entry.pull_endpoint_id, endpoint.id);
      assert.equal(entry.endpoint_name, 'Observed');
      assert.equal(entry.event_type, 'metric.test');
      const rest = await api<ResponseBody<'/v1/pull-logs', 'get'>>(
        'GET',
        `/v1/pull-logs?pull_endpoint_id=${endpoint.id}&cursor=${logs.body.meta.next_cursor}`,
      );
      assert.deepEqual(
        rest.body.data.map((e) => e.event_id),
        [ids[0]],
      );
      const delivered = await api<ResponseBody<'/v1/pull-logs', 'get'>>(
        'GET',
        `/v1/pull-logs?pull_endpoint_id=${endpoint.id}&status=delivered`,
      );
      assert.deepEqual(
        delivered.body.data.map((e) => e.event_id),
        [ids[0]],
      );

      const metrics = await api('GET', `/v1/pull-metrics?window=24h&pull_endpoint_id=${endpoint.id}`);
      assert.equal(metrics.status, 200, metrics.text);
      assert.match(metrics.text, /"success_rate":0\.25[,}]/);
      const { avg_latency_ms, ...counted } = metrics.body.data;
      assert.ok(Number.isInteger(avg_latency_ms));
      assert.deepEqual(counted, {
        window: '24h',
        total_messages: 4,
        succeeded: 1,
        failed: 0,
        retries: 1,
        success_rate: 0.25,
      });

      // Deleting an event keeps history: it was received.
      await api('DELETE', `${base}/${ids[3]}`);
      assert.equal(
        (await api('GET', `/v1/pull-metrics?pull_endpoint_id=${endpoint.id}`)).body.data.total_messages,
        4,
      );

      const series = await api<ResponseBody<'/v1/pull-metrics/timeseries', 'get'>>(
        'GET',
        `/v1/pull-metrics/timeseries?window=1h&pull_endpoint_id=${endpoint.id}`,
      );
      assert.equal(series.status, 200, series.text);
      assert.equal(series.body.data.buckets.length, 12);
      const totals = series.body.data.buckets.reduce(
        (sum, b) => ({
          total: sum.total + b.total,
          stored: sum.stored + b.stored,
          fetched: sum.fetched + b.fetched,
          succeeded: sum.succeeded + b.succeeded,
        }),
        { total: 0, stored: 0, fetched: 0, succeeded: 0 },
      );
      assert.deepEqual(totals, { total: 4, stored: 2, fetched: 1, succeeded: 1 });

      for (const path of [
        '/v1/pull-metrics?window=2d',
        '/v1/pull-logs?limit=501',
        '/v1/pull-logs?start_time=nope',
        '/v1/pull-metrics/timeseries?window=1y',
        '/v1/pull-logs?pull_endpoint_id=ep_1',
        '/v1/pull-metrics?pull_endpoint_id=nope',
      ]) {
        assert.equal((await api('GET', path)).status, 400, path);
      }
      assert.equal((await api('GET', `/v1/pull-metrics?pull_endpoint_id=${randomUUID()}`)).status, 404);
    });

    it('events past retention_days are unreachable at once and removed by the retention job', async () => {
      const endpoint = await createPull(api, { retention_days: 1 });
      const [old, fresh] = [await post(endpoint, { n: 1 }), await post(endpoint, { n: 2 })];
      const [row] = (await storedEvents(server, endpoint.id)).filter((r) => r.id === fresh);
      assert.ok(row);
      const days = (row.expires_at.getTime() - row.received_at.getTime()) / 86_400_000;
      assert.ok(Math.abs(days - 1) < 0.01, `kept for retention_days: ${days}`);
      await server.store.db.query(
        "UPDATE pull_events SET expires_at = now() - interval '1 second' WHERE id = $1",
        [old],
      );

      const base = `/v1/pull-endpoints/${endpoint.id}/events`;
      assert.deepEqual(
        (await api<ResponseBody<'/v1/pull-endpoints/{id}/events', 'get'>>('GET', base)).body.data.map(
          (e) => e.id,
        ),
        [fresh],
      );
      assert.equal((await api('GET', `${base}/${old}`)).status, 404);
      const job = new RetentionJob(
        server.store.db,
        { retentionDays: 30, metadataRetentionDays: 90, retentionIntervalMs: 60_000 },
        pino({ level: 'silent' }),
      );
      assert.ok((await job.runOnce()).pullEventsDeleted >= 1);
      assert.deepEqual(
        (await storedEvents(server, endpoint.id)).map((r) => r.id),
        [fresh],
      );
    });

    it('documents every route in /openapi.json', async () => {
      const doc = (await call(server.url, 'GET', '/openapi.json')).body;
      for (const [path, method] of [
        ['/v1/pull-endpoints', 'post'],
        ['/v1/pull-endpoints', 'get'],
        ['/v1/pull-endpoints/{id}', 'get'],
        ['/v1/pull-endpoints/{id}', 'patch'],
        ['/v1/pull-endpoints/{id}', 'delete'],
        ['/v1/pull-endpoints/{id}/pause', 'post'],
        ['/v1/pull-endpoints/{id}/resume', 'post'],
        ['/v1/pull-endpoints/{id}/events', 'get'],
        ['/v1/pull-endpoints/{id}/events/{event_id}', 'get'],
        ['/v1/pull-endpoints/{id}/events/{event_id}', 'delete'],
        ['/v1/pull-endpoints/{id}/events/ack', 'post'],
        ['/v1/pull-endpoints/{id}/events/delete-batch', 'post'],
        ['/v1/pull-endpoints/{id}/events/delete-all', 'post'],
        ['/v1/pull-logs', 'get'],
        ['/v1/pull-metrics', 'get'],
        ['/v1/pull-metrics/timeseries', 'get'],
      ] as const) {
        assert.ok(doc.paths[path]?.[method], `${method.toUpperCase()} ${path} is missing from /openapi.json`);
      }
    });
  });
}
