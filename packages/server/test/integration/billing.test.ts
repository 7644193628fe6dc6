import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newUuid } from '../../src/lib/ids.js';
import { createEndpoint, send } from '../helpers/delivery.js';
import { type Api, client } from '../helpers/http.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

function monthStart(offset: number, now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
}

for (const kind of storeKinds()) {
  describe(`billing [${kind}]`, () => {
    let server: TestServer;
    let api: Api;
    let endpointId: string;

    async function insertMessage(mode: 'live' | 'test', at: Date) {
      await server.store.db.query(
        `INSERT INTO messages (id, project_id, endpoint_id, mode, status, size_bytes, payload_sha256, created_at)
         VALUES ($1, $2, $3, $4, 'succeeded', 2, 'x', $5)`,
        [newUuid(), server.projectId, endpointId, mode, at],
      );
    }

    before(async () => {
      // Port 9 on loopback: nothing listens; these tests count messages, not deliveries.
      ({ server, api } = await startWithClient(kind, { HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true' }));
      endpointId = (await createEndpoint(api, 'http://127.0.0.1:9/billing')).id;
    });
    after(() => server.close());

    it('subscription: the configured plan, unlimited by default, with real live-mode usage this month', async () => {
      await send(api, endpointId, { n: 1 });
      await send(api, endpointId, { n: 2 });
      const testKey = (await api('POST', '/v1/api-keys', { body: { mode: 'test' } })).body.data.key;
      await send(client(server.url, testKey), endpointId, { n: 3 });
      const response = await api('GET', '/v1/billing/subscription');
      assert.equal(response.status, 200, response.text);
      const data = response.body.data;
      assert.equal(data.plan, 'self-hosted');
      assert.equal(data.status, 'active');
      assert.equal(data.limits.plan, 'self-hosted');
      // 0 = unlimited: the PHP SDK declares these int, and null made getSubscription throw a TypeError.
      assert.equal(data.limits.messages_per_month, 0);
      assert.equal(data.limits.max_projects, 0);
      assert.equal(data.limits.max_endpoints, 0);
      assert.equal(data.limits.retention_days, server.config.retentionDays);
      assert.equal(data.usage.messages_used, 2, 'test-mode messages are not usage');
      assert.equal(data.usage.period_start, monthStart(0).toISOString().replace('.000Z', 'Z'));
      assert.equal(data.usage.period_end, monthStart(1).toISOString().replace('.000Z', 'Z'));
      assert.equal(data.current_period_end, data.usage.period_end);
      assert.equal(data.cancel_at_period_end, false);
    });

    it('usage-history: calendar months newest first, real counts, offset paging', async () => {
      await server.store.db.query(`UPDATE projects SET created_at = $2 WHERE id = $1`, [
        server.projectId,
        new Date(monthStart(-14).getTime() + 86_400_000),
      ]);
      const twoAgo = monthStart(-2);
      for (let i = 0; i < 3; i++) await insertMessage('live', new Date(twoAgo.getTime() + i * 3_600_000));
      await insertMessage('test', new Date(twoAgo.getTime() + 3_600_000));
      await insertMessage('live', new Date(monthStart(-1).getTime() - 1)); // last instant of month -2

      const first = await api('GET', '/v1/billing/usage-history');
      assert.equal(first.status, 200, first.text);
      assert.deepEqual(first.body.meta, {
        request_id: first.body.meta.request_id,
        total: 15,
        limit: 12,
        offset: 0,
        has_more: true,
      });
      assert.equal(first.body.data.length, 12);
      assert.deepEqual(first.body.data[0], {
        period_start: monthStart(0).toISOString().slice(0, 10),
        period_end: new Date(monthStart(1).getTime() - 86_400_000).toISOString().slice(0, 10),
        message_count: 2,
        overage_count: 0,
        plan_limit: null,
      });
      assert.equal(first.body.data[1].message_count, 0);
      assert.equal(first.body.data[2].period_start, twoAgo.toISOString().slice(0, 10));
      assert.equal(first.body.data[2].message_count, 4);

      // Ended months are frozen: the same answer again, from the usage table.
      const again = await api('GET', '/v1/billing/usage-history?limit=3');
      assert.deepEqual(again.body.data, first.body.data.slice(0, 3));
      const frozen = await server.store.db.query<{ message_count: number }>(
        `SELECT message_count FROM usage_monthly WHERE project_id = $1 AND period_start = $2::date`,
        [server.projectId, twoAgo.toISOString().slice(0, 10)],
      );
      assert.equal(frozen[0]?.message_count, 4);

      const last = await api('GET', '/v1/billing/usage-history?limit=12&offset=12');
      assert.equal(last.body.data.length, 3);
      assert.equal(last.body.meta.has_more, false);
      assert.equal(last.body.data[2].period_start, monthStart(-14).toISOString().slice(0, 10));
      const beyond = await api('GET', '/v1/billing/usage-history?offset=40');
      assert.deepEqual([beyond.body.data, beyond.body.meta.has_more], [[], false]);
      for (const query of ['limit=0', 'limit=25', 'offset=-1', 'limit=x']) {
        const bad = await api('GET', `/v1/billing/usage-history?${query}`);
        assert.equal(bad.status, 400, query);
      }
    });

    it('invoices: always an empty list; checkout and portal: 501 NOT_SUPPORTED', async () => {
      const invoices = await api('GET', '/v1/billing/invoices');
      assert.equal(invoices.status, 200);
      assert.deepEqual(invoices.body.data, []);
      assert.equal(invoices.body.meta.has_more, false);
      for (const path of ['/v1/billing/checkout', '/v1/billing/portal']) {
        const response = await api('POST', path, { body: { plan: 'pro', interval: 'monthly' } });
        assert.equal(response.status, 501, response.text);
        assert.equal(response.body.error.code, 'NOT_SUPPORTED');
        assert.match(response.body.error.message, /self-hosted/);
      }
    });
  });

  describe(`monthly quota [${kind}]`, () => {
    let server: TestServer;
    let api: Api;

    before(async () => {
      ({ server, api } = await startWithClient(kind, {
        HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true',
        HOOKBRIDGE_MONTHLY_MESSAGE_QUOTA: '3',
        HOOKBRIDGE_PLAN_NAME: 'team',
      }));
    });
    after(() => server.close());

    it('answers 429 QUOTA_EXCEEDED with Retry-After until next month; test mode is not metered', async () => {
      const endpointId = (await createEndpoint(api, 'http://127.0.0.1:9/quota')).id;
      for (let n = 0; n < 3; n++) await send(api, endpointId, { n });
      const over = await api('POST', '/v1/webhooks/send', { body: { endpoint_id: endpointId, payload: {} } });
      assert.equal(over.status, 429, over.text);
      assert.equal(over.body.error.code, 'QUOTA_EXCEEDED');
      const retryAfter = Number(over.headers.get('retry-after'));
      const expected = (monthStart(1).getTime() - Date.now()) / 1000;
      assert.ok(Math.abs(retryAfter - expected) < 5, `Retry-After ${retryAfter} ≈ ${expected}`);
      const count = await server.store.db.query<{ n: number }>('SELECT count(*) AS n FROM messages');
      assert.equal(count[0]!.n, 3, 'nothing stored beyond the quota');

      const testKey = (await api('POST', '/v1/api-keys', { body: { mode: 'test' } })).body.data.key;
      await send(client(server.url, testKey), endpointId, { free: true });

      const subscription = (await api('GET', '/v1/billing/subscription')).body.data;
      assert.equal(subscription.plan, 'team');
      assert.equal(subscription.limits.messages_per_month, 3);
      assert.equal(subscription.usage.messages_used, 3);
      const history = (await api('GET', '/v1/billing/usage-history?limit=1')).body.data;
      assert.deepEqual(
        [history[0].message_count, history[0].plan_limit, history[0].overage_count],
        [3, 3, 0],
      );
    });
  });
}
