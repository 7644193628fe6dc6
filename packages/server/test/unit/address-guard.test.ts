import assert from 'node:assert/strict';
import { createServer, connect, type LookupFunction, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { checkHost, guardedLookup, isPublicAddress } from '../../src/delivery/address-guard.js';

const NOT_PUBLIC: Record<string, string[]> = {
  'IPv4 loopback': ['127.0.0.1', '127.0.0.53', '127.255.255.254'],
  'IPv4 unspecified / this network': ['0.0.0.0', '0.1.2.3', '0.255.255.255'],
  'IPv4 private': [
    '10.0.0.1',
    '10.255.255.255',
    '172.16.0.1',
    '172.20.10.5',
    '172.31.255.255',
    '192.168.0.1',
    '192.168.255.254',
  ],
  'IPv4 link-local and metadata': ['169.254.0.1', '169.254.169.254', '169.254.170.2', '169.254.255.255'],
  'carrier-grade NAT': ['100.64.0.1', '100.100.100.200', '100.127.255.255'],
  'IETF protocol assignments': ['192.0.0.1', '192.0.0.170', '192.0.0.255'],
  'documentation ranges': ['192.0.2.1', '198.51.100.7', '203.0.113.255'],
  benchmarking: ['198.18.0.1', '198.19.255.255'],
  '6to4 relay anycast': ['192.88.99.1'],
  'IPv4 multicast': ['224.0.0.1', '239.255.255.250', '233.252.0.1'],
  'reserved and broadcast': ['240.0.0.1', '250.1.2.3', '255.255.255.255'],
  'IPv6 loopback and unspecified': [
    '::1',
    '::',
    '0:0:0:0:0:0:0:1',
    '0000:0000:0000:0000:0000:0000:0000:0000',
  ],
  'IPv6 unique local': ['fc00::1', 'fd12:3456:789a::1', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  'IPv6 metadata (AWS)': ['fd00:ec2::254'],
  'IPv6 link-local': ['fe80::1', 'fe80::1%eth0', 'febf:ffff::1'],
  'IPv6 site-local (deprecated)': ['fec0::1'],
  'IPv6 multicast': ['ff02::1', 'ff05::2', 'ff0e::101'],
  'IPv4-mapped IPv6 of private addresses': [
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.1.2.3',
    '::ffff:169.254.169.254',
    '::ffff:192.168.1.1',
    '0:0:0:0:0:ffff:a00:1',
  ],
  'IPv4-compatible IPv6 of private addresses': ['::127.0.0.1', '::10.0.0.1', '::0.0.0.2'],
  'NAT64 of private addresses': ['64:ff9b::127.0.0.1', '64:ff9b::a9fe:a9fe', '64:ff9b::10.0.0.1'],
  'NAT64 local-use prefix': ['64:ff9b:1::8.8.8.8'],
  '6to4 of private addresses': ['2002:7f00:1::', '2002:a00:1::1', '2002:a9fe:a9fe::', '2002:c0a8:101::5'],
  Teredo: ['2001::1', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
  'IPv6 documentation': ['2001:db8::1', '2001:db8:ffff::', '3fff::1', '3fff:fff::1'],
  'IPv6 benchmarking and ORCHID': ['2001:2::1', '2001:10::1', '2001:20::1'],
  'IPv6 discard and other unassigned space': ['100::1', '1::1', '4000::1', 'a000::1', 'e000::1'],
  'SIIT translated form': ['::ffff:0:8.8.8.8'],
  'not an IP at all': [
    '',
    'localhost',
    'example.com',
    '127.1',
    '0x7f000001',
    '1.2.3',
    '1.2.3.4.5',
    '[::1]',
    '::1::',
  ],
};

const PUBLIC: Record<string, string[]> = {
  'IPv4 public': ['1.1.1.1', '8.8.8.8', '93.184.216.34', '100.63.255.255', '100.128.0.0', '172.15.255.255'],
  'IPv4 edges of reserved ranges': [
    '172.32.0.0',
    '192.167.255.255',
    '192.169.0.0',
    '198.17.255.255',
    '198.20.0.0',
  ],
  'IPv4 just below multicast': [
    '223.255.255.255',
    '11.0.0.0',
    '9.255.255.255',
    '126.255.255.255',
    '128.0.0.0',
  ],
  'IPv6 global unicast': [
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '2a00:1450:4001:80b::200e',
    '2620:fe::fe',
  ],
  'IPv4-mapped IPv6 of public addresses': ['::ffff:8.8.8.8', '::ffff:808:808'],
  'NAT64 of public addresses': ['64:ff9b::8.8.8.8', '64:ff9b::101:101'],
  '6to4 of public addresses': ['2002:808:808::1'],
  'IPv4-compatible IPv6 of public addresses': ['::8.8.8.8'],
};

describe('isPublicAddress', () => {
  for (const [label, addresses] of Object.entries(NOT_PUBLIC)) {
    it(`refuses ${label}`, () => {
      for (const address of addresses) assert.equal(isPublicAddress(address), false, address);
    });
  }
  for (const [label, addresses] of Object.entries(PUBLIC)) {
    it(`accepts ${label}`, () => {
      for (const address of addresses) assert.equal(isPublicAddress(address), true, address);
    });
  }
});

describe('checkHost', () => {
  it('accepts a public IP literal without resolving it', async () => {
    assert.deepEqual(await checkHost('8.8.8.8', { allowPrivate: false }), {
      ok: true,
      addresses: ['8.8.8.8'],
    });
    assert.deepEqual(await checkHost('[2606:4700:4700::1111]', { allowPrivate: false }), {
      ok: true,
      addresses: ['2606:4700:4700::1111'],
    });
  });

  it('blocks a private IP literal, bracketed or not', async () => {
    for (const host of ['127.0.0.1', '10.0.0.1', '169.254.169.254', '[::1]', '::ffff:127.0.0.1']) {
      const result = await checkHost(host, { allowPrivate: false });
      assert.equal(result.ok, false, host);
      assert.equal(!result.ok && result.reason, 'blocked', host);
      assert.match(!result.ok ? result.detail : '', /not a public address/);
    }
  });

  it('blocks a name that resolves to loopback', async () => {
    const result = await checkHost('localhost', { allowPrivate: false });
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.reason, 'blocked');
    assert.match(
      !result.ok ? result.detail : '',
      /^localhost resolves to (127\.0\.0\.1|::1), which is not a public/,
    );
  });

  it('allows private addresses when allowPrivate is set', async () => {
    const literal = await checkHost('127.0.0.1', { allowPrivate: true });
    assert.deepEqual(literal, { ok: true, addresses: ['127.0.0.1'] });
    const named = await checkHost('localhost', { allowPrivate: true });
    assert.equal(named.ok, true);
    assert.ok(named.ok && named.addresses.every((address) => address === '127.0.0.1' || address === '::1'));
  });

  it('reports a name that does not resolve', async () => {
    const result = await checkHost('does-not-exist.invalid', { allowPrivate: false });
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.reason, 'unresolvable');
    assert.match(!result.ok ? result.detail : '', /does-not-exist\.invalid/);
  });

  it('reports an empty host as unresolvable', async () => {
    const result = await checkHost('', { allowPrivate: false });
    assert.equal(!result.ok && result.reason, 'unresolvable');
  });
});

function lookupOnce(lookup: LookupFunction, hostname: string, all: boolean) {
  return new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family: unknown }>(
    (resolve) => {
      lookup(hostname, { all }, (error, address, family) => resolve({ error, address, family }));
    },
  );
}

describe('guardedLookup', () => {
  it('fails with EADDRBLOCKED for a name resolving to loopback', async () => {
    for (const all of [false, true]) {
      const { error } = await lookupOnce(guardedLookup(false), 'localhost', all);
      assert.equal(error?.code, 'EADDRBLOCKED');
      assert.match(
        error?.message ?? '',
        /refused to connect to localhost \((127\.0\.0\.1|::1)\): not a public/,
      );
    }
  });

  it('passes DNS failures through unchanged', async () => {
    const { error } = await lookupOnce(guardedLookup(false), 'does-not-exist.invalid', false);
    assert.ok(error);
    assert.notEqual(error.code, 'EADDRBLOCKED');
    assert.match(String(error.code), /ENOTFOUND|EAI_AGAIN|EAI_FAIL/);
  });

  it('resolves normally with allowPrivate, in both calling conventions', async () => {
    const single = await lookupOnce(guardedLookup(true), 'localhost', false);
    assert.equal(single.error, null);
    assert.match(String(single.address), /^(127\.0\.0\.1|::1)$/);
    assert.ok(single.family === 4 || single.family === 6);
    const many = await lookupOnce(guardedLookup(true), 'localhost', true);
    assert.equal(many.error, null);
    assert.ok(Array.isArray(many.address) && many.address.length > 0);
  });

  it('refuses a real connection to localhost at connect time', async () => {
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      let connected = false;
      const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
        const socket = connect({ host: 'localhost', port, lookup: guardedLookup(false) });
        socket.on('connect', () => {
          connected = true;
          socket.destroy();
        });
        socket.on('error', resolve);
      });
      assert.equal(connected, false);
      assert.equal(error.code, 'EADDRBLOCKED');

      const allowed = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: 'localhost', port, family: 4, lookup: guardedLookup(true) });
        socket.on('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      });
      assert.equal(allowed, true);
    } finally {
      server.close();
    }
  });
});
