import assert from 'node:assert/strict';
import { promises as dns } from 'node:dns';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createEndpoint, send } from '../helpers/delivery.js';
import { client } from '../helpers/http.js';
import { officialPhpSdk, type Ran, run } from '../helpers/official-clients.js';
import { PHP_SDK_METHODS } from '../helpers/official-php-methods.js';
import { Receiver, status } from '../helpers/receiver.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

/** The official PHP SDK, unmodified, loaded by our driver: every public method of HookBridge.php. */
const sdk = officialPhpSdk();
const DRIVER = fileURLToPath(new URL('./php/driver.php', import.meta.url));
const BOOTSTRAP = fileURLToPath(new URL('./php/bootstrap.php', import.meta.url));

/**
 * Self-hosted offers no payment provider: these answer 501 NOT_SUPPORTED, by design. The SDK treats a 5xx
 * as retryable and throws a generic HookBridgeException carrying the response text.
 */
const NOT_OFFERED = new Set(['createCheckout', 'createPortal']);

for (const kind of storeKinds()) {
  describe(`the official PHP SDK [${kind}]`, { skip: sdk.skip }, () => {
    let server: TestServer;
    let receiver: Receiver;
    const env = () => ({
      HOOKBRIDGE_OFFICIAL_PHP_SDK: sdk.path!,
      HB_BASE_URL: server.url,
      HB_API_KEY: server.apiKey,
      HB_ADMIN_TOKEN: ADMIN_TOKEN,
      HB_RECEIVER_URL: receiver.url,
    });

    before(async () => {
      receiver = await Receiver.start();
      receiver.setDefault((request, res) =>
        request.path === '/fail' ? status(500)(request, res) : res.writeHead(200).end('ok'),
      );
      // The default schedule leaves a failed message pending_retry long enough for retryNow and cancelRetry.
      server = await startTestServer(kind, { HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true' });
    });
    after(async () => {
      await server.close();
      await receiver.close();
    });

    it('every public method of HookBridge.php works against the server (typed responses, no TypeError)', async () => {
      const ran = await run('php', [DRIVER], { env: env(), timeoutMs: 180_000 });
      const lines = ran.stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line));
      assert.ok(
        lines.some((line) => line.method === 'done'),
        `the driver stopped early:\n${ran.stdout}\n${ran.stderr}`,
      );
      const failures = lines.filter((line) => !line.ok && !NOT_OFFERED.has(line.method));
      assert.deepEqual(failures, [], ran.stderr);
      for (const method of NOT_OFFERED) {
        const line = lines.find((l) => l.method === method);
        assert.match(line?.message ?? '', /501 Not Implemented[\s\S]*NOT_SUPPORTED/, JSON.stringify(line));
      }
      const called = new Set(lines.map((line) => line.method));
      assert.deepEqual(
        PHP_SDK_METHODS.filter((method) => !called.has(method)),
        [],
        'every public method is called',
      );
    });

    it("the SDK's own tests/IntegrationTest.php passes, except testRotateEndpointSecret (see docs/ARCHITECTURE.md)", async () => {
      // Enough messages for its pagination test to find a second page of 5.
      const api = client(server.url, server.apiKey);
      const seed = await createEndpoint(api, `${receiver.url}/seed`);
      for (let i = 0; i < 6; i++) await send(api, seed.id, { seed: i });
      // PHPUnit 9 (Debian's) reads @depends from docblocks, not PHP 8 #[Depends] attributes: run a copy in
      // which each attribute is also written as the annotation, so testGetMessage gets its message id.
      const dir = mkdtempSync(join(tmpdir(), 'hb-php-it-'));
      const copy = join(dir, 'IntegrationTest.php');
      writeFileSync(
        copy,
        readFileSync(`${sdk.path}/tests/IntegrationTest.php`, 'utf8').replace(
          /#\[Depends\('(\w+)'\)\]/g,
          (attribute, name) => `/** @depends ${name} */\n    ${attribute}`,
        ),
      );
      // It creates endpoints at https://example.com/…, which our address rules resolve; this sandbox (and
      // CI) has no DNS, so here the name resolves to example.com's public address.
      const lookup = dns.lookup;
      const example = { address: '93.184.215.14', family: 4 };
      dns.lookup = ((host: string, options: { all?: boolean }) =>
        host === 'example.com'
          ? Promise.resolve(options?.all ? [example] : example)
          : lookup(host, options)) as typeof dns.lookup;
      let ran: Ran;
      try {
        ran = await run(
          'phpunit',
          [
            '--no-configuration',
            '--do-not-cache-result',
            '--bootstrap',
            BOOTSTRAP,
            '--log-junit',
            '/dev/stdout',
            copy,
          ],
          {
            env: {
              ...env(),
              HOOKBRIDGE_API_KEY: server.apiKey,
              HOOKBRIDGE_BASE_URL: server.url,
              HOOKBRIDGE_SEND_URL: server.url,
              HOOKBRIDGE_TEST_ENDPOINT_URL: `${receiver.url}/integration`,
            },
            cwd: dir,
            timeoutMs: 180_000,
          },
        );
      } finally {
        dns.lookup = lookup;
        rmSync(dir, { recursive: true, force: true });
      }
      const cases = [
        ...ran.stdout.matchAll(/<testcase name="(\w+)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g),
      ].map((match) => ({ name: match[1]!, failed: /<(failure|error|skipped)/.test(match[3] ?? '') }));
      assert.ok(cases.length >= 20, ran.stdout + ran.stderr);
      assert.deepEqual(
        cases.filter((c) => c.failed).map((c) => c.name),
        ['testRotateEndpointSecret'],
        ran.stdout,
      );
    });
  });
}
