import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { client } from '../../server/test/helpers/http.js';
import { createInbound } from '../../server/test/helpers/inbound.js';
import { Receiver, status } from '../../server/test/helpers/receiver.js';
import { startTestServer, type TestServer } from '../../server/test/helpers/server.js';
import { hb, killAllHb, spawnHb, tempHome } from './helpers/hb.js';

async function until<T>(
  check: () => Promise<T | null | undefined | false>,
  what: string,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('hb: the whole API from the terminal, against the real server', () => {
  let server: TestServer;
  let app: Receiver;
  let home: string;
  let endpointId: string;
  let secret: string;
  const run = (args: string[], input?: string) =>
    hb(args, {
      home,
      env: { HB_API_KEY: server.apiKey, HB_API_URL: server.url },
      ...(input ? { input } : {}),
    });
  const json = async (args: string[], input?: string) => {
    const result = await run(['--json', ...args], input);
    assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
    return JSON.parse(result.stdout);
  };
  const message = (id: string) =>
    client(server.url, server.apiKey)('GET', `/v1/messages/${id}`).then((r) => r.body.data);

  before(async () => {
    server = await startTestServer('embedded', {
      HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true',
      HOOKBRIDGE_RETRY_SCHEDULE: '60,60',
    });
    app = await Receiver.start();
    home = tempHome();
  });
  after(async () => {
    killAllHb();
    await app.close();
    await server.close();
  });

  it('outbound endpoints: create (secret shown once), list, get, update, pause, resume, signing keys, delete', async () => {
    const created = await json(['outbound', 'create', `${app.url}/ok`, '--description', 'orders']);
    assert.match(created.signing_secret, /^whsec_/);
    endpointId = created.id;
    secret = created.signing_secret;
    const list = await run(['outbound', 'list']);
    assert.match(list.stdout, /^ID +URL +ACTIVE +PAUSED +CREATED_AT\n-+/);
    assert.ok(list.stdout.includes(endpointId));
    assert.equal((await json(['outbound', 'get', endpointId])).description, 'orders');
    await json(['outbound', 'update', endpointId, '--description', 'orders v2']);
    assert.equal((await json(['outbound', 'get', endpointId])).description, 'orders v2');
    assert.equal((await json(['outbound', 'pause', endpointId])).paused, true);
    assert.equal((await json(['outbound', 'resume', endpointId])).paused, false);
    const key = await json(['outbound', 'signing-keys', 'add', endpointId]);
    assert.equal((await json(['outbound', 'signing-keys', 'list', endpointId])).length, 2);
    await json(['outbound', 'signing-keys', 'delete', endpointId, key.id ?? key.signing_key_id]);
    const doomed = await json(['outbound', 'create', `${app.url}/doomed`]);
    assert.deepEqual(await json(['outbound', 'delete', doomed.id, '--force']), {
      id: doomed.id,
      deleted: true,
    });
    assert.ok(!(await json(['outbound', 'list', '--all'])).some((e: any) => e.id === doomed.id));
  });

  it('send: payload as argument, @file and stdin; --header; --idempotency-key returns the same message', async () => {
    const first = await json(['send', '{"order":1}', '--endpoint', endpointId, '-H', 'X-Tenant: acme']);
    const file = join(home, 'payload.json');
    writeFileSync(file, '{"order":2}');
    const second = await json(['send', `@${file}`, '--endpoint', endpointId]);
    const third = await json(
      ['send', '--endpoint', endpointId, '--idempotency-key', 'order-3'],
      '{"order":3}',
    );
    const again = await json([
      'send',
      '{"order":3}',
      '--endpoint',
      endpointId,
      '--idempotency-key',
      'order-3',
    ]);
    assert.equal(again.message_id, third.message_id);
    const got = await app.waitFor(3, '/ok');
    assert.deepEqual(got.map((r) => JSON.parse(r.body.toString()).order).sort(), [1, 2, 3]);
    assert.equal(got.find((r) => r.body.toString() === '{"order":1}')!.headers['x-tenant'], 'acme');
    await until(async () => (await message(second.message_id)).status === 'succeeded', 'delivered');
    const human = await run(['send', '{"order":4}', '--endpoint', endpointId]);
    assert.match(human.stdout, /^Sent message [0-9a-f-]{36} \(queued\)\n$/);
    const bad = await run(['send', 'not json', '--endpoint', endpointId]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^Error: the payload is not JSON/);
    assert.ok(first.message_id);
  });

  it('logs with filters (status, endpoint, --since/--until, --limit, --all), messages get and attempts', async () => {
    await app.waitFor(4, '/ok');
    const rows = await until(async () => {
      const r = await json(['logs', '--endpoint', endpointId, '--status', 'succeeded', '--since', '1h']);
      return r.length >= 4 && r;
    }, 'four succeeded');
    assert.ok(rows.every((r: any) => r.status === 'succeeded' && r.endpoint_id === endpointId));
    assert.deepEqual(await json(['logs', '--until', '2h']), [], 'nothing was created before two hours ago');
    assert.equal((await json(['logs', '--limit', '2'])).length, 2);
    assert.ok((await json(['logs', '--all'])).length >= 4);
    const table = await run(['logs', '--limit', '1']);
    assert.match(
      table.stdout,
      /^MESSAGE_ID +STATUS +ENDPOINT_ID +ATTEMPT_COUNT +RESPONSE_STATUS +CREATED_AT\n/,
    );
    const bad = await run(['logs', '--since', 'yesterday-ish']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /expected a duration like 30m/);
    const id = rows[0].message_id;
    const got = await json(['messages', 'get', id]);
    assert.equal(got.status, 'succeeded');
    const attempts = await json(['messages', 'attempts', id]);
    assert.equal(attempts.length, 1);
    assert.equal(attempts[0].response_status, 200);
    assert.match((await run(['messages', 'get', id])).stdout, /^id: +[0-9a-f-]{36}\n/m);
  });

  it('replay one, replay --batch; a failing message: retry-now, cancel, DLQ list and replay; replay --all', async () => {
    const [done] = await json(['logs', '--endpoint', endpointId, '--limit', '1']);
    const before = app.for('/ok').length;
    await json(['replay', done.message_id]);
    await app.waitFor(before + 1, '/ok');
    const [a, b] = await json(['logs', '--endpoint', endpointId, '--limit', '2']);
    await until(async () => (await message(a.message_id)).status === 'succeeded', 'replayed');
    const batch = await json([
      'replay',
      '--batch',
      a.message_id,
      b.message_id,
      '01935abc-def0-7123-8567-890abcdef012',
    ]);
    assert.equal(batch.replayed, 2);
    assert.equal(batch.failed, 1);

    const failing = await json(['outbound', 'create', `${app.url}/fail`]);
    app.respond('/fail', status(500), status(500));
    const sent = await json(['send', '{"will":"fail"}', '--endpoint', failing.id]);
    await until(
      async () => (await message(sent.message_id)).status === 'pending_retry',
      'first attempt failed',
    );
    assert.equal((await json(['retry-now', sent.message_id])).status, 'pending_retry');
    await app.waitFor(2, '/fail');
    await until(
      async () => (await message(sent.message_id)).status === 'pending_retry',
      'second attempt failed',
    );
    const cancelled = await run(['cancel', sent.message_id]);
    assert.equal(cancelled.stdout, `${sent.message_id}  failed_permanent\n`);
    const dlq = await json(['dlq', 'list', '--endpoint', failing.id]);
    assert.deepEqual(
      dlq.map((m: any) => m.message_id),
      [sent.message_id],
    );
    assert.match((await run(['dlq', 'list'])).stdout, /^MESSAGE_ID +ENDPOINT_ID/);

    const dry = await json([
      'replay',
      '--all',
      '--status',
      'failed_permanent',
      '--endpoint',
      failing.id,
      '--dry-run',
    ]);
    assert.deepEqual(dry, { would_replay: 1, message_ids: [sent.message_id] });
    const unconfirmed = await run([
      'replay',
      '--all',
      '--status',
      'failed_permanent',
      '--endpoint',
      failing.id,
    ]);
    assert.equal(unconfirmed.code, 1, 'no terminal to confirm on: refuses without --yes');
    assert.match(unconfirmed.stderr, /pass --yes/);
    assert.equal((await message(sent.message_id)).status, 'failed_permanent', 'nothing replayed unasked');
    assert.equal((await json(['dlq', 'replay', sent.message_id])).status, 'replayed');
    await app.waitFor(3, '/fail');
    await until(async () => (await message(sent.message_id)).status === 'succeeded', 'DLQ replay delivered');

    app.respond('/fail', status(500));
    const second = await json(['send', '{"again":1}', '--endpoint', failing.id]);
    await until(async () => (await message(second.message_id)).status === 'pending_retry', 'failed once');
    await json(['cancel', second.message_id]);
    const all = await json([
      'replay',
      '--all',
      '--status',
      'failed_permanent',
      '--endpoint',
      failing.id,
      '--yes',
    ]);
    assert.equal(all.replayed, 1);
    await until(
      async () => (await message(second.message_id)).status === 'succeeded',
      'replay-all delivered',
    );
  });

  it('keys list, create (shown once), delete', async () => {
    const created = await json(['keys', 'create', '--label', 'ci']);
    assert.match(created.key, /^hb_live_/);
    const listed = await json(['keys', 'list']);
    const row = listed.find((k: any) => k.key_id === created.key_id);
    assert.equal(row.label, 'ci');
    assert.ok(!JSON.stringify(listed).includes(created.key), 'the key value is never listed');
    assert.deepEqual(await json(['keys', 'delete', created.key_id, '--force']), {
      key_id: created.key_id,
      deleted: true,
    });
    assert.ok(!(await json(['keys', 'list'])).some((k: any) => k.key_id === created.key_id));
  });

  it('metrics: a table and a chart; --json carries the summary and the time series', async () => {
    const data = await json(['metrics', '--window', '1h']);
    assert.ok(data.total_messages >= 4, JSON.stringify(data));
    assert.ok(data.timeseries, JSON.stringify(data));
    const human = await run(['metrics', '--window', '1h']);
    assert.match(human.stdout, /^Metrics, last 1h\nMETRIC +VALUE\n/);
    assert.match(human.stdout, /total_messages +\d+\n/);
    assert.match(human.stdout, /[▁▂▃▄▅▆▇█]/, 'a chart of the series');
    const inbound = await json(['metrics', '--inbound', '--no-chart']);
    assert.equal(inbound.timeseries, undefined);
  });

  it('exports: create --wait, get, download to a file', async () => {
    const created = await json(['exports', 'create', '--since', '1h', '--wait']);
    assert.equal(created.status, 'completed');
    assert.equal((await json(['exports', 'get', created.id])).status, 'completed');
    const file = join(home, 'out.csv');
    const saved = await json(['exports', 'download', created.id, '-o', file]);
    assert.equal(saved.path, file);
    const csv = readFileSync(file, 'utf8');
    assert.match(csv.split('\n')[0]!, /message_id/);
    assert.ok(csv.split('\n').length > 5);
  });

  it('tail: follows new messages and their status changes live, both directions', async () => {
    const tail = spawnHb(['--json', 'tail', '--interval', '200'], {
      home,
      env: { HB_API_KEY: server.apiKey, HB_API_URL: server.url },
    });
    await tail.waitFor(/Following new messages/, 'stderr');
    const sent = await json(['send', '{"tail":1}', '--endpoint', endpointId]);
    const inbound = await createInbound(client(server.url, server.apiKey), { mode: 'cli', name: 'tail' });
    const pushed = await json(['send', '{"in":1}', '--inbound', inbound.id]);
    await tail.waitFor(
      new RegExp(`"message_id":"${sent.message_id}","endpoint":[^\\n]*"status":"succeeded"`),
    );
    await tail.waitFor(new RegExp(`"direction":"inbound","message_id":"${pushed.message_id}"`));
    tail.child.kill('SIGINT');
    assert.equal(await tail.exited, 0);
    const events = tail.events().filter((e) => e.message_id === sent.message_id);
    assert.equal(events[0].event, 'message');
  });

  it('send with no --endpoint posts to the CLI-mode endpoint, as a provider would', async () => {
    await createInbound(client(server.url, server.apiKey), { mode: 'cli', name: 'for send' });
    const result = await run(['send', '{"hello":"listen"}']);
    assert.equal(result.code, 0, result.stderr);
    const match = /^Sent to inbound endpoint ([0-9a-f-]{36}): message ([0-9a-f-]{36}) \(queued\)\n$/.exec(
      result.stdout,
    );
    assert.ok(match, result.stdout);
    const got = await client(server.url, server.apiKey)('GET', `/v1/inbound-messages/${match[2]}`);
    assert.equal(got.body.data.inbound_endpoint_id, match[1]);
    const target = await client(server.url, server.apiKey)('GET', `/v1/inbound-endpoints/${match[1]}`);
    assert.equal(target.body.data.mode, 'cli');
  });

  it('verify: a real delivery passes the SDK verifier; a changed body, a wrong secret, an old timestamp fail with the reason', async () => {
    const delivery = app.for('/ok')[0]!;
    const file = join(home, 'delivery.body');
    writeFileSync(file, delivery.body);
    const headers = ['x-webhook-signature', 'x-webhook-timestamp', 'x-webhook-id'].flatMap((name) => [
      '-H',
      `${name}: ${delivery.headers[name]}`,
    ]);
    const ok = await run(['verify', '--secret', secret, ...headers, '--body', `@${file}`]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(
      ok.stdout,
      new RegExp(`^Valid signature: message ${delivery.headers['x-webhook-id']}, signed at `),
    );
    const piped = await json(['verify', '--secret', secret, ...headers], delivery.body.toString());
    assert.deepEqual(piped, {
      valid: true,
      id: delivery.headers['x-webhook-id'],
      timestamp: Number(delivery.headers['x-webhook-timestamp']),
    });
    const tampered = await run([
      'verify',
      '--secret',
      secret,
      ...headers,
      '--body',
      `${delivery.body.toString()} `,
    ]);
    assert.equal(tampered.code, 1);
    assert.match(tampered.stderr, /^Error: signature not valid \(no_match\): /);
    const wrong = await run([
      '--json',
      'verify',
      '--secret',
      `whsec_${'a'.repeat(32)}`,
      ...headers,
      '--body',
      `@${file}`,
    ]);
    assert.equal(wrong.code, 1);
    assert.equal(JSON.parse(wrong.stdout).valid, false);
    const old = await run([
      'verify',
      '--secret',
      secret,
      ...headers,
      '--body',
      `@${file}`,
      '--tolerance',
      '0',
    ]);
    assert.equal(old.code, 1);
    assert.match(old.stderr, /\((timestamp_\w+)\)/);
  });

  it('replay --to: a stored outbound or inbound message sent to a local URL, signed as a real delivery', async () => {
    const [original] = app.for('/ok');
    const id = String(original!.headers['x-webhook-id']);
    const human = await run(['replay', id, '--to', `${app.url}/local`]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, new RegExp(`^Replayed ${id} to ${app.url}/local: 200 in \\d+ms\n`));
    const [copy] = await app.waitFor(1, '/local');
    assert.deepEqual(copy!.body, original!.body);
    assert.equal(copy!.headers['x-webhook-id'], id);
    const file = join(home, 'copy.body');
    writeFileSync(file, copy!.body);
    const check = await run([
      'verify',
      '--secret',
      secret,
      '--signature',
      String(copy!.headers['x-webhook-signature']),
      '--timestamp',
      String(copy!.headers['x-webhook-timestamp']),
      '--id',
      id,
      '--body',
      `@${file}`,
    ]);
    assert.equal(check.code, 0, `signed with the endpoint's key: ${check.stderr}`);

    const inbound = await createInbound(client(server.url, server.apiKey), {
      mode: 'cli',
      name: 'replay-to',
    });
    const pushed = await json(['send', '{"in": "bytes as sent"}', '--inbound', inbound.id]);
    const result = await json(['replay', pushed.message_id, '--to', `${app.url}/local-in`]);
    assert.deepEqual(Object.keys(result).sort(), ['latency_ms', 'message_id', 'status_code', 'url']);
    assert.equal(result.status_code, 200);
    const [forwarded] = await app.waitFor(1, '/local-in');
    assert.equal(forwarded!.body.toString(), '{"in": "bytes as sent"}');
    const missing = await run(['replay', '01935abc-def0-7123-8567-890abcdef012', '--to', `${app.url}/x`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Error: API error \(MESSAGE_NOT_FOUND\)/);
  });

  it('completion scripts for bash, zsh and fish name the commands; bash and zsh parse them', async () => {
    for (const shell of ['bash', 'zsh', 'fish']) {
      const script = await run(['completion', shell]);
      assert.equal(script.code, 0);
      assert.match(script.stdout, /listen/);
      assert.match(script.stdout, /signing-keys/);
      const parser = spawnSync(shell, ['-n'], { input: script.stdout });
      if (parser.error) continue; // that shell is not installed here
      assert.equal(parser.status, 0, `${shell}: ${parser.stderr}`);
    }
    const bad = await run(['completion', 'tcsh']);
    assert.equal(bad.code, 1);
  });
});
