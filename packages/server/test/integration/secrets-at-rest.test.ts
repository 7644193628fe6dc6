import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PassThrough } from 'node:stream';
import { sha256Hex } from '../../src/lib/crypto.js';
import { createEndpoint, hasStatus, send, waitForMessage } from '../helpers/delivery.js';
import { call, client } from '../helpers/http.js';
import { createInbound, ingest } from '../helpers/inbound.js';
import { insertInboundEndpoint, insertInboundMessage } from '../helpers/inbound-fixtures.js';
import { Receiver } from '../helpers/receiver.js';
import { ADMIN_TOKEN, startTestServer, TEST_MASTER_KEY, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

const METRICS_TOKEN = `metrics-${randomBytes(12).toString('hex')}`;

/**
 * The store's files as an attacker with disk access would read them. Embedded: the whole data directory
 * (heap files and WAL) as PGlite dumps it. PostgreSQL: each table's heap file after a checkpoint, and the
 * WAL written since `fromLsn` — when this process may read the server's data directory (a superuser on
 * the same machine); otherwise only the table dump covers it.
 */
async function dumpFiles(
  server: TestServer,
  fromLsn: string | null,
): Promise<{ text: string; what: string }> {
  const db = server.store.db as TestServer['store']['db'] & { dump?: () => Promise<Blob> };
  if (db.dump) {
    const tar = Buffer.from(await (await db.dump()).arrayBuffer());
    return { text: tar.toString('latin1'), what: 'the embedded data directory' };
  }
  try {
    await db.query('CHECKPOINT');
    const [{ dir }] = (await db.query<{ dir: string }>(
      `SELECT current_setting('data_directory') AS dir`,
    )) as [{ dir: string }];
    const relations = await db.query<{ path: string }>(
      `SELECT pg_relation_filepath(c.oid) AS path FROM pg_class c
        WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 't')`,
    );
    const [{ from, to }] = (await db.query<{ from: string; to: string }>(
      `SELECT pg_walfile_name($1::pg_lsn) AS from, pg_walfile_name(pg_current_wal_lsn()) AS to`,
      [fromLsn],
    )) as [{ from: string; to: string }];
    const segments: string[] = [];
    for (let n = BigInt(`0x${from}`); n <= BigInt(`0x${to}`); n++) {
      segments.push(join('pg_wal', n.toString(16).toUpperCase().padStart(24, '0')));
    }
    let text = '';
    for (const path of [...relations.map((r) => r.path), ...segments]) {
      text += (await readFile(join(dir, path)).catch(() => Buffer.alloc(0))).toString('latin1');
    }
    return { text, what: `${relations.length} heap files and ${segments.length} WAL segments` };
  } catch (error) {
    return { text: '', what: `no data files (${(error as Error).message})` };
  }
}

/** Reads every row of every table of the store as text: what an attacker with a database dump would see. */
async function dumpStore(server: TestServer): Promise<string> {
  const tables = await server.store.db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
  );
  assert.ok(tables.length >= 3, 'expected the migrated tables');
  let text = '';
  for (const { table_name } of tables) {
    const rows = await server.store.db.query(`SELECT * FROM "${table_name}"`);
    text += JSON.stringify(rows);
  }
  return text;
}

for (const kind of storeKinds()) {
  describe(`secrets at rest [${kind}]`, () => {
    let server: TestServer;
    let logs = '';

    before(async () => {
      const destination = new PassThrough();
      destination.on('data', (chunk) => {
        logs += chunk.toString();
      });
      receiver = await Receiver.start();
      server = await startTestServer(
        kind,
        {
          HOOKBRIDGE_LOG_LEVEL: 'trace',
          HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true',
          HOOKBRIDGE_METRICS_TOKEN: METRICS_TOKEN,
        },
        destination,
      );
      if (kind === 'postgres') {
        const rows = await server.store.db.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
        startLsn = rows[0]!.lsn;
      }
    });
    after(async () => {
      await server.close();
      await receiver.close();
    });
    let receiver: Receiver;
    let startLsn: string | null = null;

    it('never stores or logs a plaintext API key, only its SHA-256 hash', async () => {
      const keys: string[] = [server.apiKey];
      for (const mode of ['live', 'test']) {
        const created = await call(server.url, 'POST', '/v1/api-keys', {
          key: server.apiKey,
          body: { mode },
        });
        assert.equal(created.status, 201);
        keys.push(created.body.data.key);
        // Use the key so the authentication path runs (and would log, if it logged keys).
        await call(server.url, 'GET', '/v1/api-keys', { key: created.body.data.key });
      }
      const dump = await dumpStore(server);
      for (const key of keys) {
        const secretPart = key.slice(8);
        assert.ok(!dump.includes(secretPart), 'the store holds a plaintext key');
        assert.ok(!logs.includes(secretPart), 'the logs hold a plaintext key');
        assert.ok(dump.includes(sha256Hex(key)), 'the store holds the hash');
      }
      assert.ok(logs.includes('"route":"/v1/api-keys"'), 'request logging was on');
    });

    it('keeps no secret of any kind in plaintext in any table, data file, WAL or log line', async () => {
      const api = client(server.url, server.apiKey);
      const secrets: Record<string, string> = {
        'bootstrap API key': server.apiKey.slice(8),
        'admin token': ADMIN_TOKEN,
        'master key': TEST_MASTER_KEY,
        'metrics token': METRICS_TOKEN,
      };
      // The admin token at work, and a project's own API key.
      const project = await call(server.url, 'POST', '/v1/projects', {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        body: { name: 'secrets' },
      });
      assert.equal(project.status, 201, project.text);
      const key = await api('POST', '/v1/api-keys', { body: { mode: 'live' } });
      secrets['created API key'] = key.body.data.key.slice(8);
      assert.equal(
        (await call(server.url, 'GET', '/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }))
          .status,
        200,
      );

      // Outbound signing secrets: the endpoint's first, and a second from the signing-keys route; delivered.
      const endpoint = await createEndpoint(api, `${receiver.url}/out`);
      secrets['endpoint signing secret'] = endpoint.signing_secret.replace(/^whsec_/, '');
      const second = await api('POST', `/v1/endpoints/${endpoint.id}/signing-keys`);
      assert.equal(second.status, 201, second.text);
      secrets['second signing secret'] = second.body.data.signing_secret.replace(/^whsec_/, '');
      const sent = await send(api, endpoint.id, { hello: 'world' });
      await waitForMessage(api, sent, hasStatus('succeeded'));

      // Inbound: the path token, a static token (in a header, and in the query on another endpoint), an
      // HMAC secret, and the forward-mode signing secret; accepted, forwarded, and also refused.
      const tokenValue = `tok-${randomBytes(16).toString('hex')}`;
      const hmacSecret = `hmac-${randomBytes(16).toString('hex')}`;
      const inbound = await createInbound(api, {
        url: `${receiver.url}/in`,
        signing_enabled: true,
        verify_static_token: true,
        token_header_name: 'X-Provider-Token',
        token_value: tokenValue,
        verify_hmac: true,
        hmac_header_name: 'X-Provider-Signature',
        hmac_secret: hmacSecret,
      });
      Object.assign(secrets, {
        'inbound static token': tokenValue,
        'inbound HMAC secret': hmacSecret,
        'inbound path token': inbound.secret_token,
        'inbound signing secret': inbound.signing_secret!.replace(/^whsec_/, ''),
      });
      const body = JSON.stringify({ event: 'paid' });
      const signature = createHmac('sha256', hmacSecret).update(body).digest('hex');
      const headers = { 'content-type': 'application/json', 'X-Provider-Token': tokenValue };
      const accepted = await ingest(inbound.ingest_url, {
        body,
        headers: { ...headers, 'X-Provider-Signature': signature },
      });
      assert.equal(accepted.status, 202, accepted.text);
      const refused = await ingest(inbound.ingest_url, {
        body,
        headers: { ...headers, 'X-Provider-Signature': 'bad' },
      });
      assert.equal(refused.status, 401, refused.text);
      const [forwarded] = await receiver.waitFor(1, '/in');
      assert.equal(forwarded!.headers['x-provider-token'], '[redacted]', 'forwarded as stored');

      const queryToken = `qtok-${randomBytes(16).toString('hex')}`;
      secrets['inbound query token'] = queryToken;
      const byQuery = await createInbound(api, {
        mode: 'cli',
        verify_static_token: true,
        token_query_param: 'token',
        token_value: queryToken,
      });
      const viaQuery = await ingest(`${byQuery.ingest_url}?token=${queryToken}`, { body });
      assert.equal(viaQuery.status, 202, viaQuery.text);

      const stored = await server.store.db.query<{ headers: Record<string, string> }>(
        `SELECT headers FROM inbound_messages WHERE inbound_endpoint_id = $1`,
        [inbound.id],
      );
      assert.equal(stored[0]?.headers['X-Provider-Token'], '[redacted]', 'the token header is kept, masked');

      const tables = await dumpStore(server);
      const files = await dumpFiles(server, startLsn);
      for (const [what, secret] of Object.entries(secrets)) {
        assert.ok(secret.length >= 16, `${what} is long enough to search for`);
        assert.ok(!tables.includes(secret), `a table holds the plaintext ${what}`);
        assert.ok(!files.text.includes(secret), `${files.what} hold the plaintext ${what}`);
        assert.ok(!logs.includes(secret), `the logs hold the plaintext ${what}`);
      }
      // The search finds what is there: the stored body and the masked header are in the files.
      if (files.text) assert.ok(files.text.includes('[redacted]'), `${files.what} were searched`);
    });

    it('migration 0015 masks the token header in messages stored before', async () => {
      const db = server.store.db;
      const endpointId = await insertInboundEndpoint(db, server.projectId, { mode: 'cli' });
      await db.query(`UPDATE inbound_endpoints SET token_header_name = 'X-Old-Token' WHERE id = $1`, [
        endpointId,
      ]);
      const token = randomBytes(16).toString('hex');
      const id = await insertInboundMessage(db, server.projectId, endpointId);
      await db.query(`UPDATE inbound_messages SET headers = $2::jsonb WHERE id = $1`, [
        id,
        JSON.stringify({ 'x-old-TOKEN': token, 'X-Other': 'kept' }),
      ]);
      const sql = await readFile(
        new URL('../../migrations/0015_redact_stored_static_tokens.sql', import.meta.url),
        'utf8',
      );
      await db.transaction((tx) => tx.exec(sql));
      const [row] = await db.query<{ headers: Record<string, string> }>(
        'SELECT headers FROM inbound_messages WHERE id = $1',
        [id],
      );
      assert.deepEqual(row!.headers, { 'x-old-TOKEN': '[redacted]', 'X-Other': 'kept' });
    });
  });
}
