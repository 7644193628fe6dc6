import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { newUuid } from '../../src/lib/ids.js';
import { createEndpoint, hasStatus, send, waitForMessage } from '../helpers/delivery.js';
import { call, type Api } from '../helpers/http.js';
import { Receiver } from '../helpers/receiver.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

/** An independent RFC 4180 reader: quoted fields may hold commas, doubled quotes, CR and LF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (quoted && c === '"') quoted = false;
    else if (quoted) field += c;
    else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  assert.equal(field, '', 'the file ends with CRLF');
  return rows;
}

const HEADER = [
  'message_id',
  'endpoint_id',
  'endpoint',
  'status',
  'attempt_count',
  'created_at',
  'delivered_at',
  'response_status',
  'response_latency_ms',
  'last_error',
];

for (const kind of storeKinds()) {
  describe(`exports [${kind}]`, () => {
    let server: TestServer;
    let receiver: Receiver;
    let api: Api;
    let endpoint: { id: string };
    let exportsDir: string;
    const start = new Date(Date.now() - 3_600_000).toISOString();
    const end = new Date(Date.now() + 3_600_000).toISOString();

    async function insertMessage(
      endpointId: string,
      statusName: string,
      lastError: string | null,
      at = new Date(),
    ) {
      const id = newUuid();
      await server.store.db.query(
        `INSERT INTO messages (id, project_id, endpoint_id, mode, status, size_bytes, payload_sha256, last_error,
                               attempt_count, response_status, created_at)
         VALUES ($1, $2, $3, 'live', $4, 2, 'x', $5, 1, 500, $6)`,
        [id, server.projectId, endpointId, statusName, lastError, at],
      );
      return id;
    }

    async function finished(id: string) {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const response = await api('GET', `/v1/exports/${id}`);
        assert.equal(response.status, 200, response.text);
        if (['completed', 'failed'].includes(response.body.data.status)) return response.body.data;
        if (Date.now() > deadline) assert.fail(`export never finished: ${response.text}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    async function download(id: string) {
      const redirect = await api('GET', `/v1/exports/${id}/download`);
      assert.equal(redirect.status, 302, redirect.text);
      const location = redirect.headers.get('location')!;
      assert.ok(location.startsWith(`${server.url}/v1/exports/${id}/file?`), location);
      const file = await call(location, 'GET', '', {});
      return { location, file };
    }

    before(async () => {
      exportsDir = mkdtempSync(join(tmpdir(), 'hb-exports-'));
      ({ server, api } = await startWithClient(kind, {
        HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true',
        HOOKBRIDGE_EXPORTS_DIR: exportsDir,
      }));
      receiver = await Receiver.start();
      endpoint = await createEndpoint(api, `${receiver.url}/exported`);
    });
    after(async () => {
      await server.close();
      await receiver.close();
      rmSync(exportsDir, { recursive: true, force: true });
    });

    it('exports one CSV row per message with the log fields, RFC 4180 quoted, behind a signed 302', async () => {
      const delivered = await send(api, endpoint.id, { a: 1 });
      await waitForMessage(api, delivered, hasStatus('succeeded'));
      const tricky = 'upstream said "no", then:\nline two, with comma\r\nend';
      const failed = await insertMessage(endpoint.id, 'failed_permanent', tricky);
      const created = await api('POST', '/v1/exports', { body: { start_time: start, end_time: end } });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.data.status, 'pending');
      assert.equal(created.body.data.direction, 'outbound');
      assert.equal(created.body.data.project_id, server.projectId);
      const done = await finished(created.body.data.id);
      assert.equal(done.status, 'completed', JSON.stringify(done));
      assert.equal(done.row_count, 2);
      assert.ok(done.started_at && done.completed_at);
      assert.equal(Date.parse(done.expires_at) - Date.parse(done.completed_at), 7 * 24 * 3_600_000);

      const { file } = await download(done.id);
      assert.equal(file.status, 200);
      assert.match(file.headers.get('content-type')!, /^text\/csv/);
      assert.equal(Buffer.byteLength(file.text), done.file_size_bytes);
      const rows = parseCsv(file.text);
      assert.deepEqual(rows[0], HEADER);
      assert.equal(rows.length, 3);
      const byId = new Map(rows.slice(1).map((r) => [r[0], r]));
      const good = byId.get(delivered)!;
      const message = (await api('GET', `/v1/messages/${delivered}`)).body.data;
      assert.deepEqual(good, [
        delivered,
        endpoint.id,
        `${receiver.url}/exported`,
        'succeeded',
        '1',
        message.created_at,
        message.delivered_at,
        '200',
        String(message.response_latency_ms),
        '',
      ]);
      assert.equal(byId.get(failed)![9], tricky, 'commas, quotes and newlines survive');
      assert.equal(byId.get(failed)![3], 'failed_permanent');
    });

    it('applies the filters and pages through large exports', async () => {
      const other = await createEndpoint(api, `${receiver.url}/many`);
      // 2,500 rows sharing one timestamp: the keyset must page on (created_at, id) without skipping or repeating.
      await server.store.db.query(
        `INSERT INTO messages (id, project_id, endpoint_id, mode, status, size_bytes, payload_sha256, created_at)
         SELECT (lpad(to_hex(g), 8, '0') || '-0000-7000-8000-000000000000')::uuid, $1, $2, 'live', 'succeeded', 2, 'x',
                now() - interval '1 minute'
           FROM generate_series(1, 2500) g`,
        [server.projectId, other.id],
      );
      await insertMessage(other.id, 'failed_permanent', 'boom');
      const all = await api('POST', '/v1/exports', {
        body: { start_time: start, end_time: end, endpoint_id: other.id },
      });
      const done = await finished(all.body.data.id);
      assert.equal(done.row_count, 2501);
      assert.equal(done.filter_endpoint_id.replaceAll('-', ''), other.id.slice(3));
      const rows = parseCsv((await download(done.id)).file.text).slice(1);
      assert.equal(new Set(rows.map((r) => r[0])).size, 2501, 'no row repeated or skipped');

      const onlyFailed = await api('POST', '/v1/exports', {
        body: { start_time: start, end_time: end, endpoint_id: other.id, status: 'failed_permanent' },
      });
      const failedDone = await finished(onlyFailed.body.data.id);
      assert.equal(failedDone.row_count, 1);
      assert.equal(failedDone.filter_status, 'failed_permanent');
      const past = await api('POST', '/v1/exports', {
        body: { start_time: '2020-01-01T00:00:00+02:00', end_time: '2020-01-02T00:00:00Z' },
      });
      assert.equal((await finished(past.body.data.id)).row_count, 0);
    });

    it('lists exports newest first; inbound exports are accepted', async () => {
      const inbound = await api('POST', '/v1/exports', {
        body: { start_time: start, end_time: end, direction: 'inbound', inbound_endpoint_id: newUuid() },
      });
      assert.equal(inbound.status, 201, inbound.text);
      assert.equal(inbound.body.data.direction, 'inbound');
      const done = await finished(inbound.body.data.id);
      assert.ok(done.status === 'completed' || done.error_message, JSON.stringify(done));
      const list = await api('GET', '/v1/exports');
      assert.equal(list.status, 200);
      assert.ok(Array.isArray(list.body.data));
      assert.equal(list.body.data[0].id, inbound.body.data.id);
    });

    it('validates the request', async () => {
      const cases: Array<[Record<string, unknown>, number, RegExp]> = [
        [{ end_time: end }, 400, /start_time is required/],
        [{ start_time: 'yesterday', end_time: end }, 400, /start_time/],
        [{ start_time: end, end_time: start }, 400, /end_time must be after start_time/],
        [{ start_time: start, end_time: start }, 400, /end_time must be after start_time/],
        [{ start_time: start, end_time: end, status: 'lost' }, 400, /status must be one of/],
        [{ start_time: start, end_time: end, endpoint_id: 'nope' }, 400, /endpoint_id/],
        [{ start_time: start, end_time: end, endpoint_id: 'ep_123' }, 400, /endpoint_id/],
        [
          { start_time: start, end_time: end, endpoint_id: `ep_${'0'.repeat(32)}` },
          404,
          /Endpoint not found/,
        ],
        [{ start_time: start, end_time: end, direction: 'sideways' }, 400, /direction/],
        [
          { start_time: start, end_time: end, direction: 'inbound', endpoint_id: endpoint.id },
          400,
          /endpoint_id/,
        ],
        [{ start_time: start, end_time: end, inbound_endpoint_id: newUuid() }, 400, /inbound_endpoint_id/],
        [
          { start_time: start, end_time: end, direction: 'inbound', inbound_endpoint_id: 'x' },
          400,
          /inbound_endpoint_id/,
        ],
      ];
      for (const [body, code, message] of cases) {
        const response = await api('POST', '/v1/exports', { body });
        assert.equal(response.status, code, `${JSON.stringify(body)}: ${response.text}`);
        assert.match(response.body.error.message, message);
      }
      for (const id of ['nope', newUuid()]) {
        const missing = await api('GET', `/v1/exports/${id}`);
        assert.equal(missing.status, 404);
        assert.equal(missing.body.error.code, 'EXPORT_NOT_FOUND');
      }
    });

    it('400 EXPORT_NOT_READY before completion, 410 EXPORT_EXPIRED after expiry, 404 for a bad signature', async () => {
      const pending = newUuid();
      await server.store.db.query(
        `INSERT INTO exports (id, project_id, status, direction, filter_start_time, filter_end_time, locked_until)
         VALUES ($1, $2, 'processing', 'outbound', now(), now() + interval '1 hour', now() + interval '1 hour')`,
        [pending, server.projectId],
      );
      const notReady = await api('GET', `/v1/exports/${pending}/download`);
      assert.equal(notReady.status, 400);
      assert.equal(notReady.body.error.code, 'EXPORT_NOT_READY');

      const created = await api('POST', '/v1/exports', { body: { start_time: start, end_time: end } });
      const done = await finished(created.body.data.id);
      const { location } = await download(done.id);
      const tampered = await call(location.replace(/signature=[0-9a-f]/, 'signature=x'), 'GET', '', {});
      assert.equal(tampered.status, 404);
      const otherId = await call(location.replace(done.id, pending), 'GET', '', {});
      assert.equal(otherId.status, 404, 'a signature names one export');

      await server.store.db.query(
        `UPDATE exports SET expires_at = now() - interval '1 second' WHERE id = $1`,
        [done.id],
      );
      const expired = await api('GET', `/v1/exports/${done.id}/download`);
      assert.equal(expired.status, 410);
      assert.equal(expired.body.error.code, 'EXPORT_EXPIRED');
      assert.equal((await api('GET', `/v1/exports/${done.id}`)).body.data.status, 'expired');
    });

    it('DELETE removes the export and its file', async () => {
      const created = await api('POST', '/v1/exports', { body: { start_time: start, end_time: end } });
      const done = await finished(created.body.data.id);
      const { location } = await download(done.id);
      assert.ok(existsSync(join(exportsDir, `${done.id}.csv`)));
      const removed = await api('DELETE', `/v1/exports/${done.id}`);
      assert.equal(removed.status, 200, removed.text);
      assert.deepEqual(removed.body.data, { id: done.id, deleted: true });
      assert.ok(!existsSync(join(exportsDir, `${done.id}.csv`)));
      assert.equal((await api('GET', `/v1/exports/${done.id}`)).status, 404);
      assert.equal((await call(location, 'GET', '', {})).status, 404);
      assert.equal((await api('DELETE', `/v1/exports/${done.id}`)).status, 404);
    });
  });
}
