// Pagination across pages on every cursor shape the API has: meta cursors (endpoints, logs, inbound
// endpoints, inbound logs, rejections), the DLQ's cursor inside `data`, and offsets (usage history).
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { HookBridge } from '@hookbridge/sdk';
import { eventually, Receiver, startServerWithSdk, storeKinds, type TestServer } from './helpers.js';

for (const kind of storeKinds()) {
  describe(`pagination (${kind})`, () => {
    let server: TestServer;
    let hb: HookBridge;
    let receiver: Receiver;
    let endpointIds: string[];
    let sent: string[];

    before(async () => {
      ({ server, hb } = await startServerWithSdk(kind));
      receiver = await Receiver.start();
      receiver.setDefault((_req: unknown, res: ServerResponse) => res.writeHead(400).end());
      endpointIds = [];
      for (let i = 0; i < 5; i++)
        endpointIds.push((await hb.endpoints.create({ url: `${receiver.url}/e${i}` })).id);
      sent = [];
      for (let i = 0; i < 5; i++)
        sent.push((await hb.send({ endpointId: endpointIds[0]!, payload: { i } })).messageId);
      // 400 is permanent: every message lands in the DLQ.
      await eventually(
        async () => ((await hb.dlq.list({ limit: 100 })).data.length === 5 ? true : undefined),
        'DLQ filled',
      );
    });
    after(async () => {
      await receiver?.close();
      await server?.close();
    });

    it('for await walks every endpoint across pages of two; pages() and getNextPage() see the same pages', async () => {
      const seen: string[] = [];
      for await (const endpoint of hb.endpoints.list({ limit: 2 })) seen.push(endpoint.id);
      assert.deepEqual(new Set(seen), new Set(endpointIds));
      assert.equal(seen.length, 5);

      const sizes: number[] = [];
      for await (const page of hb.endpoints.list({ limit: 2 }).pages()) sizes.push(page.data.length);
      assert.deepEqual(sizes, [2, 2, 1]);

      const first = await hb.endpoints.list({ limit: 2 });
      assert.ok(first.hasNextPage());
      const second = await first.getNextPage();
      const third = await second!.getNextPage();
      assert.equal(third!.hasNextPage(), false);
      assert.equal(await third!.getNextPage(), null);
      assert.deepEqual(
        [...first.data, ...second!.data, ...third!.data].map((e) => e.id),
        seen,
      );

      const resumed = await hb.endpoints.list({ limit: 2, cursor: first.nextCursor! });
      assert.deepEqual(resumed.data, second!.data, 'a saved cursor resumes the listing');
    });

    it('logs and the DLQ (cursor inside data) iterate every message', async () => {
      const logs = await hb.logs.list({ endpoint_id: endpointIds[0]!, limit: 2 }).toArray();
      assert.deepEqual(new Set(logs.map((m) => m.message_id)), new Set(sent));
      const dlq: string[] = [];
      for await (const message of hb.dlq.list({ limit: 2 })) dlq.push(message.message_id);
      assert.deepEqual(new Set(dlq), new Set(sent));
      assert.equal(dlq.length, 5);
      const firstPage = await hb.getDLQMessages(2);
      assert.equal(firstPage.messages.length, 2);
      assert.equal(firstPage.hasMore, true);
      const rest = await hb.getDLQMessages({ limit: 10, cursor: firstPage.nextCursor! });
      assert.equal(rest.messages.length, 3);
      assert.equal(rest.hasMore, false);
    });

    it('inbound endpoints, inbound logs and rejections iterate across pages', async () => {
      const inbound = [];
      for (let i = 0; i < 3; i++)
        inbound.push(await hb.inbound.endpoints.create({ name: `in${i}`, mode: 'cli' }));
      assert.equal((await hb.inbound.endpoints.list({ limit: 1 }).toArray()).length, 3);
      for (const endpoint of inbound) {
        await fetch(endpoint.ingest_url, {
          method: 'POST',
          body: '{}',
          headers: { 'content-type': 'application/json' },
        });
        await fetch(endpoint.ingest_url.replace(endpoint.secret_token, 'f'.repeat(32)), {
          method: 'POST',
          body: '{}',
        });
      }
      assert.equal((await hb.inbound.logs.list({ limit: 1 }).toArray()).length, 3);
      const rejections = await hb.inbound.rejections.list({ limit: 2 }).toArray();
      assert.equal(rejections.length, 3);
      const flat = await hb.listInboundEndpoints(2);
      assert.equal(flat.endpoints.length, 2);
      const next = await hb.listInboundEndpoints(2, flat.nextCursor!);
      assert.equal(next.endpoints.length, 1);
      assert.equal(next.hasMore, false);
    });

    it('the flat listEndpoints and getLogs hand back cursors that continue the listing', async () => {
      const first = await hb.listEndpoints(3);
      assert.equal(first.hasMore, true);
      const second = await hb.listEndpoints({ limit: 3, cursor: first.nextCursor! });
      assert.deepEqual(
        new Set([...first.endpoints, ...second.endpoints].map((e) => e.id)),
        new Set(endpointIds),
      );
      const logs = await hb.getLogs({ limit: 4 });
      const more = await hb.getLogs({ limit: 4, cursor: logs.nextCursor! });
      assert.deepEqual(new Set([...logs.messages, ...more.messages].map((m) => m.messageId)), new Set(sent));
    });
  });
}
