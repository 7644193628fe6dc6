import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ConsoleServer, startServer } from './helpers/server.js';

describe('how the server serves the built console', () => {
  let server: ConsoleServer;
  let page: string;

  before(async () => {
    server = await startServer();
    page = await (await fetch(`${server.url}/console/`)).text();
  });
  after(() => server?.close());

  it('answers index.html for the app and for any of its routes, uncached, under a strict CSP', async () => {
    for (const path of [
      '/console/',
      '/console/messages/01a21c3e-8f4b-7d2a-9c1e-5b3f7a6d4e21',
      '/console/endpoints/new',
    ]) {
      const response = await fetch(server.url + path);
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assert.equal(response.headers.get('cache-control'), 'no-cache');
      const csp = response.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      assert.equal(await response.text(), page);
    }
    const bare = await fetch(`${server.url}/console`, { redirect: 'manual' });
    assert.equal(bare.status, 302);
    assert.equal(bare.headers.get('location'), '/console/');
  });

  it('serves hashed assets for a year and loads nothing from another origin', async () => {
    const scripts = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    assert.ok(scripts.length >= 2, page);
    for (const src of scripts) {
      assert.ok(src.startsWith('/console/'), `${src} is served by this server`);
      const response = await fetch(server.url + src);
      assert.equal(response.status, 200, src);
      if (src.includes('/assets/')) {
        assert.match(response.headers.get('cache-control') ?? '', /max-age=31536000.*immutable/);
      }
    }
    const missing = await fetch(`${server.url}/console/assets/nothing-here.js`);
    assert.equal(missing.status, 404);
    const traversal = await fetch(`${server.url}/console/assets/..%2f..%2fpackage.json`);
    assert.equal(traversal.status, 404, 'no path outside the build');
    assert.equal(((await traversal.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
  });

  it('turns the console off with HOOKBRIDGE_CONSOLE=false', async () => {
    const off = await startServer({ HOOKBRIDGE_CONSOLE: 'false' });
    try {
      assert.equal((await fetch(`${off.url}/console/`)).status, 404);
      const signIn = await fetch(`${off.url}/v1/console/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ api_key: off.apiKey }),
      });
      assert.equal(signIn.status, 404);
      assert.equal((await off.api('GET', '/v1/endpoints')).status, 200, 'the API itself is unaffected');
    } finally {
      await off.close();
    }
  });
});
