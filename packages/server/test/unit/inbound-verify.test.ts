import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { sha256Hex } from '../../src/lib/crypto.js';
import { idempotencyKeyOf } from '../../src/modules/inbound/ingest/service.js';
import { collectHeaders, REDACTED, redactHeaders } from '../../src/modules/inbound/ingest/request-headers.js';
import { checkHmac } from '../../src/modules/inbound/ingest/verify-hmac.js';
import { isAddressAllowed, parseCidr } from '../../src/modules/inbound/ingest/verify-ip.js';
import { checkTimestamp } from '../../src/modules/inbound/ingest/verify-timestamp.js';
import { checkStaticToken } from '../../src/modules/inbound/ingest/verify-token.js';

const body = Buffer.from('{"id":"evt_1","type":"charge.succeeded"}');
const secret = 'provider-secret';
const digest = (data: string | Buffer) => createHmac('sha256', secret).update(data).digest();

describe('static token', () => {
  const rule = { headerName: 'X-Token', queryParam: 'token', valueHash: sha256Hex('s3cret') };
  const headers = (map: Record<string, string>) => (name: string) => map[name];
  it('accepts the token in the header or the query parameter', () => {
    assert.ok(checkStaticToken(rule, headers({ 'x-token': 's3cret' }), new URLSearchParams()).ok);
    assert.ok(checkStaticToken(rule, headers({}), new URLSearchParams('token=s3cret')).ok);
    assert.ok(
      checkStaticToken(rule, headers({ 'x-token': 'wrong' }), new URLSearchParams('token=s3cret')).ok,
    );
  });
  it('refuses a missing or wrong token, naming where it looked', () => {
    const missing = checkStaticToken(rule, headers({}), new URLSearchParams());
    assert.deepEqual(missing, {
      ok: false,
      detail: 'static token missing (header X-Token or query parameter token)',
    });
    assert.equal(checkStaticToken(rule, headers({ 'x-token': 's3cre' }), new URLSearchParams()).ok, false);
    const headerOnly = { ...rule, queryParam: null };
    assert.equal(checkStaticToken(headerOnly, headers({}), new URLSearchParams('token=s3cret')).ok, false);
  });
});

describe('HMAC', () => {
  const hex = digest(body).toString('hex');
  const b64 = digest(body).toString('base64');
  it('accepts hex or base64, with or without sha256=, among several candidates', () => {
    for (const header of [
      hex,
      hex.toUpperCase(),
      `sha256=${hex}`,
      b64,
      `sha256=${b64}`,
      digest(body).toString('base64url'),
      `sha256=${'0'.repeat(64)}, sha256=${hex}`,
      `garbage,${b64}`,
    ]) {
      assert.ok(checkHmac(secret, header, body, null).ok, header);
    }
  });
  it('refuses a wrong, truncated or missing signature', () => {
    assert.deepEqual(checkHmac(secret, undefined, body, null), {
      ok: false,
      detail: 'signature header missing',
    });
    assert.equal(checkHmac(secret, hex.slice(0, 62), body, null).ok, false);
    assert.equal(checkHmac('other', hex, body, null).ok, false);
    assert.equal(checkHmac(secret, hex, Buffer.concat([body, Buffer.from(' ')]), null).ok, false);
  });
  it('signs "{timestamp}.{body}" when a timestamp header is used', () => {
    const signed = digest(Buffer.concat([Buffer.from('1700000000.'), body])).toString('hex');
    assert.ok(checkHmac(secret, signed, body, '1700000000').ok);
    assert.equal(checkHmac(secret, signed, body, '1700000001').ok, false);
    assert.equal(checkHmac(secret, hex, body, '1700000000').ok, false);
  });
});

describe('timestamp', () => {
  const now = 1_700_000_000_000;
  it('accepts seconds or milliseconds within the TTL either way', () => {
    assert.ok(checkTimestamp('1700000000', 300, now).ok);
    assert.ok(checkTimestamp('1699999750', 300, now).ok);
    assert.ok(checkTimestamp('1700000250', 300, now).ok);
    assert.ok(checkTimestamp('1700000000000', 300, now).ok);
  });
  it('refuses stale, future, missing and malformed timestamps', () => {
    assert.equal(checkTimestamp('1699999600', 300, now).ok, false);
    assert.equal(checkTimestamp('1700000400', 300, now).ok, false);
    assert.equal(checkTimestamp(undefined, 300, now).ok, false);
    assert.equal(checkTimestamp('yesterday', 300, now).ok, false);
    assert.equal(checkTimestamp('-5', 300, now).ok, false);
  });
});

describe('IP allowlist', () => {
  it('parses IPv4 and IPv6 CIDRs and bare addresses, refusing nonsense', () => {
    assert.deepEqual(parseCidr('10.0.0.0/8'), { address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    assert.deepEqual(parseCidr('2001:db8::/32'), { address: '2001:db8::', prefix: 32, family: 'ipv6' });
    assert.deepEqual(parseCidr('192.0.2.7'), { address: '192.0.2.7', prefix: 32, family: 'ipv4' });
    for (const bad of [
      '10.0.0.0/33',
      '2001:db8::/129',
      'example.com/8',
      '10.0.0.0/8/1',
      '10.0.0/8',
      '1.2.3.4/x',
    ]) {
      assert.equal(parseCidr(bad), null, bad);
    }
  });
  it('matches IPv4 (also as ::ffff: mapped) and IPv6 clients', () => {
    const cidrs = ['192.0.2.0/24', '2001:db8::/32'];
    assert.ok(isAddressAllowed('192.0.2.55', cidrs));
    assert.ok(isAddressAllowed('::ffff:192.0.2.55', cidrs));
    assert.ok(isAddressAllowed('2001:db8:1::7', cidrs));
    assert.equal(isAddressAllowed('198.51.100.1', cidrs), false);
    assert.equal(isAddressAllowed('2001:db9::1', cidrs), false);
    assert.equal(isAddressAllowed('not-an-ip', cidrs), false);
  });
});

describe('request headers', () => {
  it('keeps names as sent, joins repeats, looks up by lowercase name', () => {
    const { headers, lookup } = collectHeaders(['Stripe-Signature', 't=1', 'X-Multi', 'a', 'x-multi', 'b']);
    assert.deepEqual(headers, { 'Stripe-Signature': 't=1', 'X-Multi': 'a, b' });
    assert.equal(lookup('stripe-signature'), 't=1');
  });
  it('masks credentials and the endpoint-specific secret headers in the rejection log', () => {
    const redacted = JSON.parse(
      redactHeaders(
        { Authorization: 'Bearer x', Cookie: 'a=b', 'X-Token': 'tok', 'X-Sig': 'sig', 'User-Agent': 'ua' },
        ['x-token', 'X-Sig'],
      ),
    );
    assert.deepEqual(redacted, {
      Authorization: REDACTED,
      Cookie: REDACTED,
      'X-Token': REDACTED,
      'X-Sig': REDACTED,
      'User-Agent': 'ua',
    });
  });
});

describe('inbound idempotency key', () => {
  const lookup = (map: Record<string, string>) => (name: string) => map[name];
  it('hashes the present values in order, joined by newlines; none present means no key', () => {
    const names = ['X-Event-Id', 'X-Delivery'];
    assert.equal(
      idempotencyKeyOf(names, lookup({ 'x-event-id': 'a', 'x-delivery': 'b' })),
      sha256Hex('a\nb'),
    );
    assert.equal(idempotencyKeyOf(names, lookup({ 'x-delivery': 'b' })), sha256Hex('b'));
    assert.equal(idempotencyKeyOf(names, lookup({})), null);
    assert.equal(idempotencyKeyOf([], lookup({ 'x-event-id': 'a' })), null);
  });
});
