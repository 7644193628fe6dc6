// The verifier: every failure reason, every accepted body and header shape, the clock, and sign().
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sign } from '@hookbridge/sdk/testing';
import {
  type VerificationFailureReason,
  verify,
  verifyAsync,
  WebhookVerificationError,
} from '@hookbridge/sdk/webhooks';

const SECRET = `whsec_${'a'.repeat(32)}`;
const OTHER = `whsec_${'b'.repeat(32)}`;
const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z
const clock = { now: () => NOW * 1000 };

/** Both verifiers must refuse with the same reason; returns the sync error. */
async function refused(
  reason: VerificationFailureReason,
  body: unknown,
  headers: Record<string, string>,
  secret: unknown = SECRET,
  options = clock,
): Promise<WebhookVerificationError> {
  let syncError: unknown;
  try {
    verify(body as string, headers, secret as string, options);
  } catch (error) {
    syncError = error;
  }
  const asyncError = await verifyAsync(body as string, headers, secret as string, options).then(
    () => null,
    (error: unknown) => error,
  );
  for (const error of [syncError, asyncError]) {
    assert.ok(
      error instanceof WebhookVerificationError,
      `expected a WebhookVerificationError, got ${String(error)}`,
    );
    assert.equal(error.reason, reason, error.message);
    assert.equal(error.name, 'WebhookVerificationError');
  }
  return syncError as WebhookVerificationError;
}

describe('verify and verifyAsync refuse with a reason', () => {
  const delivery = sign({ event: 'a' }, SECRET, { timestamp: NOW, id: 'msg-1' });

  it('missing_header names each missing header', async () => {
    for (const name of ['x-webhook-signature', 'x-webhook-timestamp', 'x-webhook-id']) {
      const headers = { ...delivery.headers };
      delete headers[name as keyof typeof headers];
      const error = await refused('missing_header', delivery.body, headers);
      assert.equal(error.header!.toLowerCase(), name);
      assert.match(error.message, new RegExp(name, 'i'));
    }
  });

  it('bad_timestamp for a timestamp that is not Unix seconds', async () => {
    for (const bad of ['2026-01-01T00:00:00Z', '17672256000000000', '-5', 'abc']) {
      await refused('bad_timestamp', delivery.body, { ...delivery.headers, 'x-webhook-timestamp': bad });
    }
  });

  it('timestamp_too_old / timestamp_too_new with the skew, either side of the 300 s default', async () => {
    const old = sign({ event: 'a' }, SECRET, { timestamp: NOW - 301 });
    assert.equal((await refused('timestamp_too_old', old.body, old.headers)).skewSeconds, 301);
    const future = sign({ event: 'a' }, SECRET, { timestamp: NOW + 400 });
    assert.equal((await refused('timestamp_too_new', future.body, future.headers)).skewSeconds, 400);
    const edge = sign({ event: 'a' }, SECRET, { timestamp: NOW - 300 });
    assert.deepEqual(verify(edge.body, edge.headers, SECRET, clock).payload, { event: 'a' });
    await refused('timestamp_too_old', edge.body, edge.headers, SECRET, {
      ...clock,
      tolerance: 60,
    } as typeof clock);
  });

  it('no_match says how many signatures and secrets were tried', async () => {
    const error = await refused('no_match', delivery.body, delivery.headers, [OTHER]);
    assert.equal(error.signaturesTried, 1);
    assert.equal(error.secretsTried, 1);
    const rotated = sign({ event: 'a' }, [OTHER, `whsec_${'c'.repeat(32)}`], { timestamp: NOW });
    const both = await refused('no_match', rotated.body, rotated.headers, [
      SECRET,
      `whsec_${'d'.repeat(32)}`,
    ]);
    assert.equal(both.signaturesTried, 2);
    assert.equal(both.secretsTried, 2);
    const tampered = await refused('no_match', delivery.body.replace('"a"', '"b"'), delivery.headers);
    assert.equal(tampered.signaturesTried, 1);
    const foreign = await refused('no_match', delivery.body, {
      ...delivery.headers,
      'x-webhook-signature': 'v1,abc',
    });
    assert.equal(foreign.signaturesTried, 0);
  });

  it('body_not_raw for a parsed object, and for a body re-serialised after parsing', async () => {
    await refused('body_not_raw', { event: 'a' }, delivery.headers);
    await refused('body_not_raw', null, delivery.headers);
    await refused('body_not_raw', '[object Object]', delivery.headers);
    const sent = sign({ b: 1, a: [1, 2] }, SECRET, { timestamp: NOW });
    const headers = { ...sent.headers, 'content-length': String(Buffer.byteLength(sent.body)) };
    const reserialised = JSON.stringify(JSON.parse(sent.body), null, 2);
    const error = await refused('body_not_raw', reserialised, headers);
    assert.match(error.message, /raw/);
  });

  it('secret_malformed for whitespace, a wrong prefix, or no secret', async () => {
    for (const secret of [` ${SECRET}`, `${SECRET}\n`, 'a'.repeat(32), '', [], 42]) {
      await refused('secret_malformed', delivery.body, delivery.headers, secret);
    }
  });
});

describe('verify accepts', () => {
  it('string, Buffer, Uint8Array and ArrayBuffer bodies; Fetch Headers and any header case; several secrets', async () => {
    const delivery = sign({ event: 'ok', n: 1 }, SECRET, { timestamp: NOW, id: 'msg-2' });
    const bytes = Buffer.from(delivery.body);
    const bodies = [
      delivery.body,
      bytes,
      new Uint8Array(bytes),
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    ];
    const upper = Object.fromEntries(Object.entries(delivery.headers).map(([k, v]) => [k.toUpperCase(), v]));
    for (const body of bodies) {
      for (const headers of [delivery.headers, upper, new Headers(delivery.headers)]) {
        for (const secret of [SECRET, [OTHER, SECRET]]) {
          const sync = verify(body, headers, secret, clock);
          assert.deepEqual(sync, {
            payload: { event: 'ok', n: 1 },
            id: 'msg-2',
            timestamp: NOW,
            body: delivery.body,
          });
          assert.deepEqual(await verifyAsync(body, headers, secret, clock), sync);
        }
      }
    }
  });

  it('Node array header values, and a non-JSON body as text', () => {
    const delivery = sign('plain text body', SECRET, { timestamp: NOW });
    const headers = {
      ...delivery.headers,
      'x-webhook-signature': [delivery.headers['x-webhook-signature']!],
    };
    assert.equal(verify(delivery.body, headers, SECRET, clock).payload, 'plain text body');
  });

  it('the real clock by default', () => {
    const delivery = sign({ now: true }, SECRET);
    assert.deepEqual(verify(delivery.body, delivery.headers, SECRET).payload, { now: true });
  });
});
