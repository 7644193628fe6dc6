// Exports, API keys, projects and billing, in both shapes, against the real server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HookBridge, ServerError } from '@hookbridge/sdk';
import {
  ADMIN_TOKEN,
  eventually,
  Receiver,
  startServerWithSdk,
  storeKinds,
  type TestServer,
} from './helpers.js';

for (const kind of storeKinds()) {
  describe(`exports, API keys, projects, billing (${kind})`, () => {
    let server: TestServer;
    let hb: HookBridge;
    let receiver: Receiver;

    before(async () => {
      ({ server, hb } = await startServerWithSdk(kind));
      receiver = await Receiver.start();
    });
    after(async () => {
      await receiver?.close();
      await server?.close();
    });

    it('exports: create, get until completed, list, download (the 302 Location, not followed), delete', async () => {
      const endpoint = await hb.endpoints.create({ url: `${receiver.url}/x` });
      const { messageId } = await hb.send({ endpointId: endpoint.id, payload: { row: 1 } });
      const startTime = new Date(Date.now() - 60_000);
      const endTime = new Date(Date.now() + 60_000);
      const created = await hb.exports.create({
        start_time: startTime.toISOString(),
        end_time: endTime.toISOString(),
      });
      assert.equal(created.direction, 'outbound');
      const flat = await hb.createExport(startTime, endTime, 'queued');
      assert.equal(flat.filterStatus, 'queued');
      const done = await eventually(async () => {
        const record = await hb.exports.get(created.id);
        return record.status === 'completed' ? record : undefined;
      }, 'export completed');
      assert.equal(done.row_count, 1);
      assert.equal((await hb.getExport(created.id)).rowCount, 1);
      assert.deepEqual(new Set((await hb.exports.list()).map((e) => e.id)), new Set([created.id, flat.id]));
      assert.equal((await hb.listExports()).length, 2);

      const location = await hb.downloadExport(created.id);
      assert.ok(location.startsWith(`${server.url}/v1/exports/${created.id}/file?`), location);
      const csv = await (await fetch(location)).text();
      assert.ok(csv.includes(messageId));
      assert.equal(
        await hb.exports.download(created.id).then((url) => new URL(url).pathname),
        `/v1/exports/${created.id}/file`,
      );

      assert.deepEqual(await hb.deleteExport(flat.id), { id: flat.id, deleted: true });
      assert.equal((await hb.exports.delete(created.id)).deleted, true);
      assert.deepEqual(await hb.exports.list(), []);
    });

    it('API keys: create (live and test), list, delete, in both shapes', async () => {
      const test = await hb.createAPIKey('test', 'ci');
      assert.match(test.key, /^hb_test_/);
      assert.equal(test.label, 'ci');
      const live = await hb.apiKeys.create({ label: 'backend', mode: 'live' });
      assert.match(live.key, /^hb_live_/);
      const keyed = new HookBridge({ apiKey: live.key, baseUrl: server.url });
      assert.ok(
        (await keyed.apiKeys.list()).some((k) => k.key_id === live.key_id),
        'the new key works',
      );
      const flatList = await hb.listAPIKeys();
      assert.ok(flatList.some((k) => k.keyId === test.keyId && k.prefix === test.prefix));
      assert.deepEqual(await hb.deleteAPIKey(test.keyId), { keyId: test.keyId, deleted: true });
      assert.equal((await hb.apiKeys.delete(live.key_id)).deleted, true);
      assert.ok(!(await hb.apiKeys.list()).some((k) => k.key_id === live.key_id || k.key_id === test.keyId));
    });

    it('projects with the admin token: create, list, get, update, delete, in both shapes', async () => {
      const admin = new HookBridge({ apiKey: ADMIN_TOKEN, baseUrl: server.url });
      const created = await admin.createProject('acme', 50);
      assert.equal(created.rateLimitDefault, 50);
      const grouped = await admin.projects.create({ name: 'globex' });
      assert.deepEqual(
        new Set((await admin.projects.list()).map((p) => p.name)),
        new Set(['Default', 'acme', 'globex']),
      );
      assert.ok((await admin.listProjects()).some((p) => p.tenantId && p.id === created.id));
      assert.equal((await admin.getProject(created.id)).name, 'acme');
      assert.equal((await admin.projects.get(grouped.id)).name, 'globex');
      assert.equal((await admin.updateProject(created.id, 'acme-2')).name, 'acme-2');
      assert.equal(
        (await admin.projects.update(grouped.id, { rate_limit_default: 9 })).rate_limit_default,
        9,
      );
      assert.deepEqual(await admin.deleteProject(created.id), { id: created.id, deleted: true });
      assert.equal((await admin.projects.delete(grouped.id)).deleted, true);
      // An API key sees its own project.
      assert.equal((await hb.getProject(server.projectId)).name, 'Default');
    });

    it('billing: subscription, usage history (offset pages), invoices; hosted checkout and portal answer 501', async () => {
      const subscription = await hb.getSubscription();
      assert.equal(typeof subscription.plan, 'string');
      assert.equal(subscription.cancelAtPeriodEnd, false);
      assert.equal((await hb.billing.subscription()).plan, subscription.plan);
      const usage = await hb.getUsageHistory(1, 0);
      assert.equal(usage.rows.length, 1);
      assert.equal(typeof usage.rows[0]!.messageCount, 'number');
      const grouped = await hb.billing.usageHistory({ limit: 1 });
      assert.equal(grouped.data[0]!.period_start, usage.rows[0]!.periodStart);
      const invoices = await hb.getInvoices();
      assert.deepEqual(invoices, { invoices: [], hasMore: false });
      assert.deepEqual((await hb.billing.invoices()).data, []);
      await assert.rejects(hb.createPortal('https://example.com/back'), ServerError);
      await assert.rejects(hb.billing.portal(), ServerError);
      await assert.rejects(hb.billing.checkout({ plan: 'pro', interval: 'monthly' }), ServerError);
    });
  });
}
