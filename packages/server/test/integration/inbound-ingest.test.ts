import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Api, ErrorEnvelope } from '../helpers/http.js';
import { createInbound, ingest, messageRow, rejectionsOf } from '../helpers/inbound.js';
import { TestListener } from '../helpers/listener.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const hmacHex = (secret: string, data: string | Buffer) =>
  createHmac('sha256', secret).update(data).digest('hex');

for (const kind of storeKinds()) {
  describe(`ingest POST /v1/webhooks/receive/{id}/{token} [${kind}]`, () => {
    let server: TestServer;
    let api: Api;

    before(async () => {
      ({ server, api } = await startWithClient(kind));
    });
    after(() => server.close());

    async function expectRejected(
      endpointId: string | null,
      response: { status: number; body: ErrorEnvelope },
      status: number,
      reason: string,
    ) {
      assert.equal(response.status, status, JSON.stringify(response.body));
      assert.match(response.body.meta.request_id, /^req_/);
      const rows = await rejectionsOf(server, endpointId);
      const last = rows.at(-1)!;
      assert.equal(last?.reason_code, reason);
      assert.equal(last.source_ip, '127.0.0.1');
      return last;
    }

    it('stores the raw bytes and headers exactly and answers 202 after commit, with no API key', async () => {
      const endpoint = await createInbound(api, { mode: 'cli' });
      const body = '{"id":"evt_1",  "amount": 1.50}';
      const response = await ingest(endpoint.ingest_url, {
        body,
        headers: { 'Content-Type': 'application/json', 'X-Provider-Event': 'charge.succeeded' },
      });
      assert.equal(response.status, 202, response.text);
      assert.equal(response.body.data.status, 'queued');
      assert.match(response.body.data.message_id, UUID);
      const row = await messageRow(server, response.body.data.message_id);
      assert.equal(Buffer.from(row.payload ?? '').toString(), body);
      assert.equal(row.size_bytes, Buffer.byteLength(body));
      assert.equal(row.content_type, 'application/json');
      assert.equal(
        row.headers['X-Provider-Event'],
        'charge.succeeded',
        'names keep the case they were sent in',
      );
      assert.equal(row.source_ip, '127.0.0.1');
      assert.equal(row.status, 'queued');
      assert.equal(row.next_attempt_at, null, 'cli messages are never due for a worker');
    });

    it('round-trips a binary body byte for byte, with any content type or none', async () => {
      const endpoint = await createInbound(api, { mode: 'cli', ingest_response_code: 200 });
      const bytes = randomBytes(4096);
      for (const headers of [
        { 'Content-Type': 'application/octet-stream' },
        { 'Content-Type': 'not a type' },
        {},
      ] as Record<string, string>[]) {
        const response = await ingest(endpoint.ingest_url, { body: bytes, headers });
        assert.equal(response.status, 200, `${JSON.stringify(headers)}: ${response.text}`);
        const row = await messageRow(server, response.body.data.message_id);
        assert.deepEqual(Buffer.from(row.payload ?? []), bytes);
      }
      const empty = await ingest(endpoint.ingest_url);
      assert.equal(empty.status, 200);
      assert.equal((await messageRow(server, empty.body.data.message_id)).size_bytes, 0);
    });

    it('answers 404 for an unknown endpoint or a wrong token, recording why', async () => {
      const endpoint = await createInbound(api, { mode: 'cli' });
      const base = endpoint.ingest_url.replace(/\/[^/]+\/[^/]+$/, '');
      const unknown = await ingest(`${base}/01935abc-def0-7123-8567-890abcdef012/${'0'.repeat(32)}`);
      await expectRejected(null, unknown, 404, 'endpoint_not_found');
      await expectRejected(null, await ingest(`${base}/not-a-uuid/x`), 404, 'endpoint_not_found');
      const wrong = await ingest(`${base}/${endpoint.id}/${'0'.repeat(32)}`, { body: 'x' });
      const rejection = await expectRejected(endpoint.id, wrong, 404, 'invalid_secret');
      assert.equal(wrong.body.error.code, 'ENDPOINT_NOT_FOUND');
      assert.equal(rejection.project_id, server.projectId);
    });

    it('answers 405 (with a rejection) to methods other than POST, PUT and PATCH, with or without a suffix', async () => {
      const endpoint = await createInbound(api, { mode: 'cli' });
      for (const url of [endpoint.ingest_url, `${endpoint.ingest_url}/hooks/a?x=1`]) {
        for (const method of ['GET', 'DELETE', 'OPTIONS']) {
          const response = await ingest(url, { method, ...(method === 'GET' ? {} : { body: 'x' }) });
          await expectRejected(endpoint.id, response, 405, 'invalid_method');
          assert.equal(response.headers.get('allow'), 'POST, PUT, PATCH');
        }
      }
    });

    it('stores the method, path suffix and query (minus the static token) and streams them', async () => {
      const endpoint = await createInbound(api, {
        mode: 'cli',
        verify_static_token: true,
        token_query_param: 'token',
        token_value: 'shared-secret',
      });
      const listener = await TestListener.connect(
        server.url,
        server.apiKey,
        endpoint.id,
        '/v1/listen',
        'ack=1',
      );
      const sent = [
        ['PUT', '/events/x%20y/', 'a=1&token=shared-secret&b=%2F&a=2', 'a=1&b=%2F&a=2'],
        ['PATCH', '', 'token=shared-secret', ''],
        ['POST', '/', 'token=shared-secret&z', 'z'],
      ] as const;
      for (const [method, suffix, query, stored] of sent) {
        const response = await ingest(`${endpoint.ingest_url}${suffix}?${query}`, { method, body: 'b' });
        assert.equal(response.status, 202, response.text);
        const row = await messageRow(server, response.body.data.message_id);
        assert.deepEqual([row.request_method, row.path_suffix, row.query_string], [method, suffix, stored]);
        assert.ok(!JSON.stringify(row).includes('shared-secret'), 'the static token is not stored');
      }
      const frames = await listener.waitFor(sent.length);
      assert.deepEqual(
        frames.map((frame) => [frame.method, frame.path_suffix, frame.query]),
        sent.map(([method, suffix, , stored]) => [method, suffix, stored]),
      );
      await listener.close();
      const wrong = await ingest(`${endpoint.ingest_url}/x?token=guess`, { method: 'PUT', body: 'b' });
      await expectRejected(endpoint.id, wrong, 401, 'static_token_failed');
    });

    it('answers 413 above 1 MB without reading it all, declared or streamed', async () => {
      const endpoint = await createInbound(api, { mode: 'cli' });
      const exact = await ingest(endpoint.ingest_url, { body: Buffer.alloc(1024 * 1024, 97) });
      assert.equal(exact.status, 202, 'exactly 1 MB is accepted');
      const declared = await ingest(endpoint.ingest_url, { body: Buffer.alloc(1024 * 1024 + 1, 97) });
      await expectRejected(endpoint.id, declared, 413, 'payload_too_large');
      assert.equal(declared.body.error.code, 'INGEST_TOO_LARGE');
      // Chunked, no Content-Length: the server stops reading once past the limit and closes the connection.
      const streamed = await new Promise<{ status: number; body: ErrorEnvelope }>((resolve, reject) => {
        const req = httpRequest(endpoint.ingest_url, {
          method: 'POST',
          headers: { 'transfer-encoding': 'chunked' },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
        });
        req.on('error', reject);
        const chunk = Buffer.alloc(64 * 1024, 98);
        let sent = 0;
        const write = () => {
          while (sent < 3 * 1024 * 1024) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', write);
          }
          req.end();
        };
        req.on('error', () => {});
        write();
      });
      await expectRejected(endpoint.id, streamed, 413, 'payload_too_large');
    });

    it('answers 503 while paused, 403 when inactive, 410 once deleted — each recorded', async () => {
      const endpoint = await createInbound(api, { mode: 'cli' });
      await api('POST', `/v1/inbound-endpoints/${endpoint.id}/pause`);
      const paused = await ingest(endpoint.ingest_url, { body: '{}' });
      await expectRejected(endpoint.id, paused, 503, 'endpoint_paused');
      await api('POST', `/v1/inbound-endpoints/${endpoint.id}/resume`);
      assert.equal((await ingest(endpoint.ingest_url, { body: '{}' })).status, 202);
      await api('PATCH', `/v1/inbound-endpoints/${endpoint.id}`, { body: { active: false } });
      await expectRejected(
        endpoint.id,
        await ingest(endpoint.ingest_url, { body: '{}' }),
        403,
        'endpoint_inactive',
      );
      await api('PATCH', `/v1/inbound-endpoints/${endpoint.id}`, { body: { active: true } });
      await api('DELETE', `/v1/inbound-endpoints/${endpoint.id}`);
      const deleted = await ingest(endpoint.ingest_url, { body: '{}' });
      await expectRejected(endpoint.id, deleted, 410, 'endpoint_deleted');
      assert.equal(deleted.body.error.code, 'ENDPOINT_DELETED');
      const wrongToken = await ingest(endpoint.ingest_url.replace(/[0-9a-f]{32}$/, 'f'.repeat(32)));
      await expectRejected(endpoint.id, wrongToken, 404, 'invalid_secret');
    });

    it('static token: header or query parameter, compared against the stored hash', async () => {
      const endpoint = await createInbound(api, {
        mode: 'cli',
        verify_static_token: true,
        token_header_name: 'X-Webhook-Token',
        token_query_param: 'token',
        token_value: 'shared-secret',
      });
      assert.equal(
        (await ingest(endpoint.ingest_url, { body: 'a', headers: { 'X-Webhook-Token': 'shared-secret' } }))
          .status,
        202,
      );
      assert.equal((await ingest(`${endpoint.ingest_url}?token=shared-secret`, { body: 'a' })).status, 202);
      const wrong = await ingest(endpoint.ingest_url, {
        body: 'a',
        headers: { 'X-Webhook-Token': 'guess', Authorization: 'Bearer abc', 'User-Agent': 'provider/1' },
      });
      const rejection = await expectRejected(endpoint.id, wrong, 401, 'static_token_failed');
      assert.equal(wrong.body.error.code, 'VERIFICATION_FAILED');
      const headers = JSON.parse(rejection.headers_redacted!);
      assert.equal(headers['X-Webhook-Token'], '[redacted]');
      assert.equal(headers.Authorization, '[redacted]');
      assert.equal(headers['User-Agent'], 'provider/1');
      assert.ok(!rejection.headers_redacted!.includes('guess'));
      await expectRejected(
        endpoint.id,
        await ingest(endpoint.ingest_url, { body: 'a' }),
        401,
        'static_token_failed',
      );
    });

    it('HMAC over the raw body: hex or base64, sha256= prefix, several candidates', async () => {
      const secret = 'whsec_provider';
      const endpoint = await createInbound(api, {
        mode: 'cli',
        verify_hmac: true,
        hmac_header_name: 'X-Signature',
        hmac_secret: secret,
      });
      const body = Buffer.from('{"event":"push"}');
      const hex = hmacHex(secret, body);
      const b64 = Buffer.from(hex, 'hex').toString('base64');
      for (const signature of [hex, `sha256=${hex}`, b64, `sha256=${'0'.repeat(64)},sha256=${hex}`]) {
        const response = await ingest(endpoint.ingest_url, { body, headers: { 'X-Signature': signature } });
        assert.equal(response.status, 202, `${signature}: ${response.text}`);
      }
      const tampered = await ingest(endpoint.ingest_url, {
        body: '{"event":"push!"}',
        headers: { 'X-Signature': `sha256=${hex}` },
      });
      const rejection = await expectRejected(endpoint.id, tampered, 401, 'hmac_failed');
      assert.equal(JSON.parse(rejection.headers_redacted!)['X-Signature'], '[redacted]');
      await expectRejected(endpoint.id, await ingest(endpoint.ingest_url, { body }), 401, 'hmac_failed');
    });

    it('HMAC with a timestamp header signs "{timestamp}.{body}" and enforces the TTL', async () => {
      const secret = 'ts-secret';
      const endpoint = await createInbound(api, {
        mode: 'cli',
        verify_hmac: true,
        hmac_header_name: 'X-Sig',
        hmac_secret: secret,
        timestamp_header_name: 'X-Timestamp',
        timestamp_ttl_seconds: 60,
      });
      const body = '{"n":1}';
      const now = Math.floor(Date.now() / 1000);
      const signed = (ts: number) => ({
        'X-Timestamp': String(ts),
        'X-Sig': hmacHex(secret, `${ts}.${body}`),
      });
      assert.equal((await ingest(endpoint.ingest_url, { body, headers: signed(now) })).status, 202);
      const stale = await ingest(endpoint.ingest_url, { body, headers: signed(now - 120) });
      const rejection = await expectRejected(endpoint.id, stale, 401, 'hmac_failed');
      assert.match(rejection.reason_detail!, /timestamp/);
      const bodyOnly = await ingest(endpoint.ingest_url, {
        body,
        headers: { 'X-Timestamp': String(now), 'X-Sig': hmacHex(secret, body) },
      });
      await expectRejected(endpoint.id, bodyOnly, 401, 'hmac_failed');
    });

    it('IP allowlist by CIDR, on the address the server sees', async () => {
      const allowed = await createInbound(api, {
        mode: 'cli',
        verify_ip_allowlist: true,
        allowed_cidrs: ['127.0.0.0/8', '2001:db8::/32'],
      });
      assert.equal((await ingest(allowed.ingest_url, { body: 'x' })).status, 202);
      const refused = await createInbound(api, {
        mode: 'cli',
        verify_ip_allowlist: true,
        allowed_cidrs: ['192.0.2.0/24', '::1/128'],
      });
      // X-Forwarded-For is ignored unless HOOKBRIDGE_TRUST_PROXY is on.
      const response = await ingest(refused.ingest_url, {
        body: 'x',
        headers: { 'X-Forwarded-For': '192.0.2.9' },
      });
      const rejection = await expectRejected(refused.id, response, 403, 'ip_not_allowed');
      assert.equal(response.body.error.code, 'IP_NOT_ALLOWED');
      assert.match(rejection.reason_detail!, /127\.0\.0\.1/);
    });

    it('deduplicates by idempotency headers: the repeat gets the original id and stores nothing', async () => {
      const endpoint = await createInbound(api, {
        mode: 'cli',
        idempotency_header_names: ['X-Event-Id', 'X-Attempt'],
      });
      const first = await ingest(endpoint.ingest_url, { body: 'one', headers: { 'X-Event-Id': 'evt_9' } });
      const again = await Promise.all(
        Array.from({ length: 5 }, () =>
          ingest(endpoint.ingest_url, { body: 'two', headers: { 'X-Event-Id': 'evt_9' } }),
        ),
      );
      for (const response of again) {
        assert.equal(response.status, 202);
        assert.equal(response.body.data.message_id, first.body.data.message_id);
      }
      const other = await ingest(endpoint.ingest_url, {
        body: 'one',
        headers: { 'X-Event-Id': 'evt_9', 'X-Attempt': '2' },
      });
      assert.notEqual(other.body.data.message_id, first.body.data.message_id);
      const none1 = await ingest(endpoint.ingest_url, { body: 'x' });
      const none2 = await ingest(endpoint.ingest_url, { body: 'x' });
      assert.notEqual(none1.body.data.message_id, none2.body.data.message_id, 'no headers, no deduplication');
      const rows = await server.store.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM inbound_messages WHERE inbound_endpoint_id = $1',
        [endpoint.id],
      );
      assert.equal(rows[0]!.n, 4);
    });

    it('checks in order: the token before the state, the method before verification', async () => {
      const endpoint = await createInbound(api, {
        mode: 'cli',
        verify_static_token: true,
        token_header_name: 'X-Token',
        token_value: 'v',
      });
      await api('POST', `/v1/inbound-endpoints/${endpoint.id}/pause`);
      const wrongToken = await ingest(endpoint.ingest_url.replace(/[0-9a-f]{32}$/, 'a'.repeat(32)));
      await expectRejected(endpoint.id, wrongToken, 404, 'invalid_secret');
      await api('POST', `/v1/inbound-endpoints/${endpoint.id}/resume`);
      await expectRejected(
        endpoint.id,
        await ingest(endpoint.ingest_url, { method: 'GET' }),
        405,
        'invalid_method',
      );
      const big = await ingest(endpoint.ingest_url, { body: Buffer.alloc(1024 * 1024 + 10) });
      await expectRejected(endpoint.id, big, 413, 'payload_too_large');
    });
  });
}
