import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { AppError } from '../../src/errors.js';
import { validateCustomHeaders } from '../../src/modules/endpoints/headers.js';
import type { Api } from '../helpers/http.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

const PUBLIC = 'https://93.184.215.14';
const freshUrl = () => `${PUBLIC}/hook/${randomUUID()}`;

const FORBIDDEN = [
  'Host',
  'Authorization',
  'Content-Length',
  'Transfer-Encoding',
  'Connection',
  'Content-Type',
  'Keep-Alive',
  'Proxy-Authenticate',
  'Proxy-Authorization',
  'TE',
  'Trailer',
  'Upgrade',
  'Proxy-Connection',
  'Expect',
  'HTTP2-Settings',
  'Set-Cookie',
  'X-Forwarded-For',
  'X-Forwarded-Host',
  'X-Forwarded-Proto',
  'Forwarded',
  'X-Real-IP',
  'X-Webhook-Signature',
  'x-webhook-id',
  'X-WEBHOOK-ANYTHING',
];

describe('validateCustomHeaders', () => {
  it('accepts ordinary headers, empty values, 50 headers and exactly 8 KB', () => {
    validateCustomHeaders({});
    validateCustomHeaders({ 'X-Tenant': 'acme', 'x-empty': '', 'X-Latin1': 'caf\u00e9', Accept: '*/*' });
    validateCustomHeaders(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`X-H${i}`, 'v'])));
    validateCustomHeaders({ 'X-Big': 'v'.repeat(8192 - 'X-Big'.length) });
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['a non-object', 'x', /must be a JSON object/],
    ['null', null, /must be a JSON object/],
    ['an array', ['a'], /must be a JSON object/],
    ['a number value', { 'X-A': 1 }, /header 'X-A' must have a string value/],
    ['a name with a space', { 'X A': 'v' }, /not a valid HTTP header name/],
    ['an empty name', { '': 'v' }, /not a valid HTTP header name/],
    ['a name with a colon', { 'X-A:': 'v' }, /not a valid HTTP header name/],
    ['CR LF in a value', { 'X-A': 'v\r\nHost: evil' }, /must not contain CR, LF or NUL/],
    ['LF in a value', { 'X-A': 'v\nx' }, /must not contain CR, LF or NUL/],
    ['NUL in a value', { 'X-A': 'v\0' }, /must not contain CR, LF or NUL/],
    ['a character beyond Latin-1', { 'X-A': '\u2603' }, /not allowed in an HTTP header/],
    ['51 headers', Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`X-H${i}`, 'v'])), /at most 50/],
    ['more than 8 KB', { 'X-Big': 'v'.repeat(8192) }, /maximum is 8192/],
    ['a case-insensitive duplicate', { 'X-A': '1', 'x-a': '2' }, /more than once/],
  ];
  for (const [name, headers, message] of bad) {
    it(`refuses ${name} with INVALID_HEADERS`, () => {
      assert.throws(
        () => validateCustomHeaders(headers),
        (error: unknown) =>
          error instanceof AppError &&
          error.code === 'INVALID_HEADERS' &&
          error.status === 400 &&
          message.test(error.message),
      );
    });
  }

  it('refuses every platform-owned header, whatever its case', () => {
    for (const name of FORBIDDEN) {
      assert.throws(
        () => validateCustomHeaders({ [name]: 'x' }),
        (error: unknown) =>
          error instanceof AppError &&
          error.code === 'INVALID_HEADERS' &&
          /^header '.+' (is a hop-by-hop|is set by|is a response|names the client|is forbidden)/.test(
            error.message,
          ) &&
          error.message.startsWith(`header '${name}' `),
        name,
      );
      assert.throws(() => validateCustomHeaders({ [name.toLowerCase()]: 'x' }), AppError);
    }
  });
});

for (const kind of storeKinds()) {
  describe(`endpoint URL and header rules [${kind}]`, () => {
    let server: TestServer;
    let api: Api;

    before(async () => {
      ({ server, api } = await startWithClient(kind));
    });
    after(() => server.close());

    const urlCases: Array<[string, unknown, string, RegExp]> = [
      ['plain http', 'http://93.184.215.14/hook', 'INVALID_ENDPOINT', /must start with https:\/\//],
      ['another scheme', 'ftp://93.184.215.14/hook', 'INVALID_ENDPOINT', /must start with https:\/\//],
      ['a URL under 12 characters', 'https://a.b', 'INVALID_ENDPOINT', /between 12 and 2048 characters/],
      [
        'a URL over 2048 characters',
        `${PUBLIC}/${'a'.repeat(2048)}`,
        'INVALID_ENDPOINT',
        /between 12 and 2048/,
      ],
      ['a number', 12345678901234, 'INVALID_ENDPOINT', /url must be a string/],
      ['null', null, 'INVALID_ENDPOINT', /url must be a string/],
      ['an unparseable URL', 'https://[zz::1]/hook', 'INVALID_ENDPOINT', /not a valid URL/],
      ['no scheme', '93.184.215.14/hook/x', 'INVALID_ENDPOINT', /not a valid URL/],
      ['whitespace', `${PUBLIC}/a b`, 'INVALID_ENDPOINT', /whitespace/],
      ['credentials', 'https://user:pass@93.184.215.14/x', 'INVALID_ENDPOINT', /credentials/],
      ['a user name alone', 'https://user@93.184.215.14/x', 'INVALID_ENDPOINT', /credentials/],
      ['loopback', 'https://127.0.0.1/x', 'ENDPOINT_BLOCKED', /not a public address/],
      ['a private network', 'https://10.0.0.1/x', 'ENDPOINT_BLOCKED', /not a public address/],
      ['another private network', 'https://192.168.1.10/x', 'ENDPOINT_BLOCKED', /not a public address/],
      ['the metadata service', 'https://169.254.169.254/latest', 'ENDPOINT_BLOCKED', /169\.254\.169\.254/],
      ['IPv6 loopback', 'https://[::1]/x', 'ENDPOINT_BLOCKED', /not a public address/],
      ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/x', 'ENDPOINT_BLOCKED', /not a public/],
      ['loopback written as a number', 'https://2130706433/x', 'ENDPOINT_BLOCKED', /127\.0\.0\.1/],
      ['loopback written in hex', 'https://0x7f.0.0.1/x', 'ENDPOINT_BLOCKED', /127\.0\.0\.1/],
      ['the unspecified address', 'https://0.0.0.0/x', 'ENDPOINT_BLOCKED', /not a public address/],
      ['localhost', 'https://localhost/x', 'ENDPOINT_BLOCKED', /localhost/],
      ['a name that does not resolve', 'https://does-not-exist.invalid/x', 'ENDPOINT_UNREACHABLE', /resolve/],
      // The first refusal a newcomer meets names the setting that lifts it for development.
      [
        'a development receiver on http://localhost',
        'http://localhost:3000/webhooks',
        'INVALID_ENDPOINT',
        /HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS=true/,
      ],
      [
        'a development receiver on https://127.0.0.1',
        'https://127.0.0.1:3000/webhooks',
        'ENDPOINT_BLOCKED',
        /not a public address; for a development receiver, start the server with HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS=true/,
      ],
    ];
    for (const [name, url, code, message] of urlCases) {
      it(`refuses ${name} with ${code}`, async () => {
        const response = await api('POST', '/v1/endpoints', { body: { url } });
        assert.equal(response.status, 400, response.text);
        assert.equal(response.body.error.code, code);
        assert.match(response.body.error.message, message);
      });
    }

    it('accepts public https URLs, including exactly 2048 characters and IPv6', async () => {
      const long = `${PUBLIC}/${randomUUID()}/`;
      for (const url of [
        freshUrl(),
        `${PUBLIC}:8443/hook?x=1&y=${randomUUID()}`,
        long + 'a'.repeat(2048 - long.length),
        `https://[2606:4700:4700::1111]/hook/${randomUUID()}`,
      ]) {
        const response = await api('POST', '/v1/endpoints', { body: { url } });
        assert.equal(response.status, 201, `${url}: ${response.text}`);
        assert.equal(response.body.data.url, url, 'stored as sent');
      }
    });

    it('applies the header rules on create and on PATCH with INVALID_HEADERS', async () => {
      const cases: Array<[unknown, RegExp]> = [
        [{ Host: 'evil.example' }, /^header 'Host' is a hop-by-hop or transport header/],
        [{ Expect: '100-continue' }, /^header 'Expect' is a hop-by-hop or transport header/],
        [{ 'x-webhook-signature': 'forged' }, /forbidden/],
        [{ 'X-A': 1 }, /string value/],
        ['not-an-object', /JSON object/],
        [['X-A'], /JSON object/],
        [{ 'X-A': 'a\r\nb' }, /CR, LF or NUL/],
        [{ 'bad name': 'v' }, /not a valid HTTP header name/],
        [Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`X-H${i}`, 'v'])), /at most 50/],
        [{ 'X-A': 'v'.repeat(5000), 'X-B': 'v'.repeat(5000) }, /8 KB/],
      ];
      const existing = (await api('POST', '/v1/endpoints', { body: { url: freshUrl() } })).body.data.id;
      for (const [headers, message] of cases) {
        const created = await api('POST', '/v1/endpoints', { body: { url: freshUrl(), headers } });
        assert.equal(created.status, 400, `${JSON.stringify(headers).slice(0, 80)}: ${created.text}`);
        assert.equal(created.body.error.code, 'INVALID_HEADERS');
        assert.match(created.body.error.message, message);
        const patched = await api('PATCH', `/v1/endpoints/${existing}`, { body: { headers } });
        assert.equal(patched.status, 400, patched.text);
        assert.equal(patched.body.error.code, 'INVALID_HEADERS');
      }
      const fine = await api('PATCH', `/v1/endpoints/${existing}`, { body: { headers: { 'X-Ok': 'yes' } } });
      assert.equal(fine.status, 200, fine.text);
    });
  });

  describe(`endpoint URLs with HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS=true [${kind}]`, () => {
    let server: TestServer;
    let api: Api;

    before(async () => {
      ({ server, api } = await startWithClient(kind, { HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true' }));
    });
    after(() => server.close());

    it('accepts private targets, over http:// too', async () => {
      for (const url of [
        'http://127.0.0.1:9/x',
        'https://127.0.0.1/x',
        'http://10.1.2.3/hook',
        'http://[::1]:8080/x',
        'http://localhost:9/x',
      ]) {
        const response = await api('POST', '/v1/endpoints', { body: { url } });
        assert.equal(response.status, 201, `${url}: ${response.text}`);
      }
    });

    it('still refuses plain http:// to a public address, credentials and unresolvable names', async () => {
      const cases: Array<[string, string]> = [
        ['http://93.184.215.14/hook', 'INVALID_ENDPOINT'],
        ['https://user:pass@127.0.0.1/x', 'INVALID_ENDPOINT'],
        ['ftp://127.0.0.1/xxxxx', 'INVALID_ENDPOINT'],
        ['http://does-not-exist.invalid/x', 'ENDPOINT_UNREACHABLE'],
      ];
      for (const [url, code] of cases) {
        const response = await api('POST', '/v1/endpoints', { body: { url } });
        assert.equal(response.status, 400, `${url}: ${response.text}`);
        assert.equal(response.body.error.code, code);
      }
      assert.equal((await api('POST', '/v1/endpoints', { body: { url: freshUrl() } })).status, 201);
    });
  });
}
