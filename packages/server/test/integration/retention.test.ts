import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { RetentionJob } from '../../src/retention/job.js';
import { createEndpoint, hasStatus, send, waitForMessage } from '../helpers/delivery.js';
import type { Api } from '../helpers/http.js';
import { insertInboundEndpoint, insertInboundMessage } from '../helpers/inbound-fixtures.js';
import { Receiver, status } from '../helpers/receiver.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

interface Row {
  has_payload: boolean;
  payload_expires_at: Date | null;
  payload_deleted_at: Date | null;
  delivered_at: Date | null;
}

for (const kind of storeKinds()) {
  describe(`payload and metadata retention [${kind}]`, () => {
    let server: TestServer;
    let receiver: Receiver;
    let api: Api;
    let endpoint: { id: string };

    async function row(id: string): Promise<Row | undefined> {
      const rows = await server.store.db.query<Row>(
        `SELECT payload IS NOT NULL AS has_payload, payload_expires_at, payload_deleted_at, delivered_at
           FROM messages WHERE id = $1`,
        [id],
      );
      return rows[0];
    }
    async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const value = await read();
        if (done(value)) return value;
        if (Date.now() > deadline) assert.fail(`${what} never happened`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const delivered = async (extra: Record<string, unknown> = {}, payload: unknown = { at: Date.now() }) => {
      const id = await send(api, endpoint.id, payload, extra);
      await waitForMessage(api, id, hasStatus('succeeded'));
      return id;
    };

    before(async () => {
      ({ server, api } = await startWithClient(kind, {
        HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true',
        HOOKBRIDGE_RETENTION_INTERVAL_MS: '100',
        HOOKBRIDGE_RETENTION_DAYS: '30',
        HOOKBRIDGE_METADATA_RETENTION_DAYS: '90',
        HOOKBRIDGE_RETRY_SCHEDULE: '3600',
      }));
      receiver = await Receiver.start();
      endpoint = await createEndpoint(api, `${receiver.url}/kept`);
    });
    after(async () => {
      await server.close();
      await receiver.close();
    });

    it('retention_hours 0 removes the payload right after delivery; the message and its key stay', async () => {
      const payload = { secret: 'short-lived' };
      const id = await delivered({ retention_hours: 0, idempotency_key: 'gone-soon' }, payload);
      const after = await until(
        () => row(id),
        (r) => r?.has_payload === false,
        'payload removal',
      );
      assert.ok(after!.payload_deleted_at);
      const message = await api('GET', `/v1/messages/${id}`);
      assert.equal(message.status, 200);
      assert.equal(message.body.data.status, 'succeeded');
      const replay = await api('POST', `/v1/messages/${id}/replay`);
      assert.equal(replay.status, 410, replay.text);
      assert.equal(replay.body.error.code, 'PAYLOAD_UNAVAILABLE');
      const resend = await api('POST', '/v1/webhooks/send', {
        body: { endpoint_id: endpoint.id, payload, idempotency_key: 'gone-soon' },
      });
      assert.equal(resend.body.data.message_id, id, 'the idempotency key is still taken');
    });

    it('stamps expiry from the delivery (default days or retention_hours), and a replay does not extend it', async () => {
      const byDefault = await delivered();
      const stamped = await until(
        () => row(byDefault),
        (r) => r?.payload_expires_at != null,
        'stamping',
      );
      const days = (stamped!.payload_expires_at!.getTime() - stamped!.delivered_at!.getTime()) / 86_400_000;
      assert.ok(Math.abs(days - 30) < 0.001, `30 days, got ${days}`);
      assert.equal(stamped!.has_payload, true);

      const hourly = await delivered({ retention_hours: 2 });
      const first = await until(
        () => row(hourly),
        (r) => r?.payload_expires_at != null,
        'stamping',
      );
      const hours = (first!.payload_expires_at!.getTime() - first!.delivered_at!.getTime()) / 3_600_000;
      assert.ok(Math.abs(hours - 2) < 0.001, `2 hours, got ${hours}`);
      assert.equal((await api('POST', `/v1/messages/${hourly}/replay`)).status, 202);
      await waitForMessage(api, hourly, (m) => m.status === 'succeeded' && m.replay_count === 1);
      const replayed = await row(hourly);
      assert.ok(replayed!.delivered_at!.getTime() > first!.delivered_at!.getTime());
      assert.equal(replayed!.payload_expires_at!.getTime(), first!.payload_expires_at!.getTime());
    });

    it('removes a payload once its stamped expiry passes', async () => {
      const id = await delivered();
      await until(
        () => row(id),
        (r) => r?.payload_expires_at != null,
        'stamping',
      );
      await server.store.db.query(
        `UPDATE messages SET payload_expires_at = now() - interval '1 second' WHERE id = $1`,
        [id],
      );
      await until(
        () => row(id),
        (r) => r?.has_payload === false,
        'payload removal',
      );
    });

    it('never removes the payload of a message still being delivered', async () => {
      receiver.respond('/retrying', status(500));
      const retrying = await createEndpoint(api, `${receiver.url}/retrying`);
      const id = await send(api, retrying.id, { retry: true }, { retention_hours: 0 });
      await waitForMessage(api, id, hasStatus('pending_retry'));
      await new Promise((resolve) => setTimeout(resolve, 400));
      const current = await row(id);
      assert.equal(current!.has_payload, true);
      assert.equal(current!.payload_expires_at, null);
    });

    it('deletes old final metadata (with attempts) only after its payload is gone, freeing the key', async () => {
      const job = new RetentionJob(
        server.store.db,
        { retentionDays: 30, metadataRetentionDays: 90, retentionIntervalMs: 60_000 },
        pino({ level: 'silent' }),
      );
      const payload = { old: true };
      const old = await delivered({ idempotency_key: 'ancient' }, payload);
      const keptPayload = await delivered();
      await server.store.db.query(
        `UPDATE messages SET created_at = now() - interval '91 days' WHERE id = ANY($1::uuid[])`,
        [[old, keptPayload]],
      );
      await server.store.db.query(
        `UPDATE messages SET payload = NULL, payload_deleted_at = now() WHERE id = $1`,
        [old],
      );
      await server.store.db.query(
        `UPDATE messages SET payload_expires_at = now() + interval '1 day' WHERE id = $1`,
        [keptPayload],
      );
      const run = await job.runOnce();
      assert.ok(run.messagesDeleted >= 1 || (await row(old)) === undefined);
      await until(
        () => row(old),
        (r) => r === undefined,
        'metadata deletion',
      );
      const attempts = await server.store.db.query('SELECT id FROM attempts WHERE message_id = $1', [old]);
      assert.equal(attempts.length, 0);
      assert.equal((await api('GET', `/v1/messages/${old}`)).status, 404);
      assert.ok(await row(keptPayload), 'a message whose payload is still retained keeps its metadata');
      const again = await send(api, endpoint.id, payload, { idempotency_key: 'ancient' });
      assert.notEqual(again, old, 'the idempotency key is free again');
    });

    it('applies to inbound messages too: payloads after the default days, old metadata later', async () => {
      const db = server.store.db;
      const inbound = await insertInboundEndpoint(db, server.projectId);
      const day = 24 * 3600 * 1000;
      const fresh = await insertInboundMessage(db, server.projectId, inbound, {
        createdAt: new Date(Date.now() - day),
      });
      const stale = await insertInboundMessage(db, server.projectId, inbound, {
        createdAt: new Date(Date.now() - 31 * day),
      });
      const ancient = await insertInboundMessage(db, server.projectId, inbound, {
        createdAt: new Date(Date.now() - 95 * day),
      });
      const waiting = await insertInboundMessage(db, server.projectId, inbound, {
        status: 'pending_retry',
        createdAt: new Date(Date.now() - 95 * day),
      });
      const inboundRow = async (id: string) =>
        (
          await db.query<{ has_payload: boolean; payload_expires_at: Date | null }>(
            'SELECT payload IS NOT NULL AS has_payload, payload_expires_at FROM inbound_messages WHERE id = $1',
            [id],
          )
        )[0];
      // The server's own job runs every 100 ms; wait for it rather than racing it.
      await until(
        () => inboundRow(ancient),
        (r) => r === undefined,
        'inbound metadata removal',
      );
      await until(
        () => inboundRow(stale),
        (r) => r?.has_payload === false,
        'inbound payload removal',
      );
      const kept = await inboundRow(fresh);
      assert.equal(kept?.has_payload, true, 'a payload inside its retention stays');
      assert.ok(kept?.payload_expires_at, 'its expiry is stamped');
      assert.equal(
        (await inboundRow(waiting))?.has_payload,
        true,
        'a message still retrying is never touched',
      );
    });

    it('stops cleanly', async () => {
      const job = new RetentionJob(
        server.store.db,
        { retentionDays: 30, metadataRetentionDays: 90, retentionIntervalMs: 100 },
        pino({ level: 'silent' }),
      );
      job.start();
      await new Promise((resolve) => setTimeout(resolve, 250));
      await job.stop();
    });
  });
}
