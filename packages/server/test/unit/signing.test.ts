import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { signatureHeader, signPayload } from '../../src/delivery/signing.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER = 'whsec_2nd0ne7hatIsActiveDuringRotation00';
const BODY = '{"event":"order.created","id":123}';
const TS = 1700000000;

function independent(secret: string, timestamp: number, body: string | Uint8Array): string {
  const hmac = createHmac('sha256', Buffer.from(secret, 'utf8'));
  hmac.update(Buffer.concat([Buffer.from(`${timestamp}.`, 'utf8'), Buffer.from(body)]));
  return hmac.digest('hex');
}

describe('signPayload', () => {
  it('matches a fixed vector (computed with `openssl dgst -sha256 -hmac`)', () => {
    assert.equal(
      signPayload(SECRET, TS, BODY),
      '672f16c6bbf1430667ef74cf4eca5d0e21aa7ef00875b19b168ceec10f774f19',
    );
  });

  it('matches an independent HMAC over "{timestamp}.{body}" keyed by the whole secret string', () => {
    assert.equal(signPayload(SECRET, TS, BODY), independent(SECRET, TS, BODY));
    assert.equal(signPayload(OTHER, 1, ''), independent(OTHER, 1, ''));
  });

  it('gives the same result for a string body and its UTF-8 bytes, including non-ASCII', () => {
    const body = '{"name":"Zoë","emoji":"🚀"}';
    const bytes = new TextEncoder().encode(body);
    assert.equal(signPayload(SECRET, TS, body), signPayload(SECRET, TS, bytes));
    assert.equal(signPayload(SECRET, TS, bytes), independent(SECRET, TS, bytes));
  });

  it('signs raw bytes that are not valid UTF-8 exactly as given', () => {
    const bytes = new Uint8Array([0xff, 0x00, 0xfe, 0x7b]);
    assert.equal(signPayload(SECRET, TS, bytes), independent(SECRET, TS, bytes));
  });

  it('is lowercase hex of 64 characters', () => {
    assert.match(signPayload(SECRET, TS, BODY), /^[0-9a-f]{64}$/);
  });

  it('changes with the timestamp, the body and the secret', () => {
    const base = signPayload(SECRET, TS, BODY);
    assert.notEqual(signPayload(SECRET, TS + 1, BODY), base);
    assert.notEqual(signPayload(SECRET, TS, `${BODY} `), base);
    assert.notEqual(signPayload(OTHER, TS, BODY), base);
    // The prefix is part of the key: stripping `whsec_` would be a different signature.
    assert.notEqual(signPayload(SECRET.slice('whsec_'.length), TS, BODY), base);
  });

  it('rejects a timestamp that is not whole seconds', () => {
    assert.throws(() => signPayload(SECRET, 1700000000.5, BODY), TypeError);
    assert.throws(() => signPayload(SECRET, Number.NaN, BODY), TypeError);
  });
});

describe('signatureHeader', () => {
  it('formats one secret as sha256=<hex>', () => {
    assert.equal(signatureHeader([SECRET], TS, BODY), `sha256=${independent(SECRET, TS, BODY)}`);
  });

  it('joins one entry per active secret with a comma and no space, in order', () => {
    const header = signatureHeader([SECRET, OTHER], TS, BODY);
    assert.equal(header, `sha256=${independent(SECRET, TS, BODY)},sha256=${independent(OTHER, TS, BODY)}`);
    assert.ok(!header.includes(' '));
  });

  it('lets a receiver verify by splitting on commas and accepting any match', () => {
    const header = signatureHeader([OTHER, SECRET], TS, BODY);
    const expected = `sha256=${independent(SECRET, TS, BODY)}`;
    assert.ok(header.split(',').includes(expected));
  });

  it('refuses to sign with no secrets', () => {
    assert.throws(() => signatureHeader([], TS, BODY), /at least one signing secret/);
  });
});
