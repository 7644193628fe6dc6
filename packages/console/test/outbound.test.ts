import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { verify } from '@hookbridge/sdk/webhooks';
import { Receiver, status } from '../../server/test/helpers/receiver.js';
import { type Browser, openBrowser, signIn } from './helpers/browser.js';
import { type ConsoleServer, startServer } from './helpers/server.js';

/** Checks X-Webhook-Signature the way a receiver would: any listed signature made with this secret. */
function signedWith(secret: string, request: { headers: Record<string, unknown>; body: Buffer }): boolean {
  const timestamp = String(request.headers['x-webhook-timestamp']);
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(request.body).digest('hex');
  return String(request.headers['x-webhook-signature'])
    .split(',')
    .some((entry) => entry === `sha256=${expected}`);
}

/** Runs a copied command the way a person pasting it into a terminal would. */
const runInBash = (command: string) => promisify(execFile)('bash', ['-c', command], { timeout: 15_000 });

describe('outbound journeys in headless Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let receiver: Receiver;
  let endpointId = '';
  let firstSecret = '';

  before(async () => {
    [server, receiver, browser] = await Promise.all([startServer(), Receiver.start(), openBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await receiver?.close();
    await server?.close();
  });

  /** Clicks "Copy as curl" on the open message and reads the command back from the clipboard. */
  async function copyCurl(): Promise<string> {
    const { page } = browser;
    await page.getByRole('button', { name: 'Copy as curl' }).click();
    await page.getByTestId('curl-copied').waitFor();
    return page.evaluate(() => navigator.clipboard.readText());
  }

  /** Runs the copied command in bash; returns what the receiver got from it (nothing else calls it then). */
  async function runCurl(command: string) {
    const before = receiver.for('/hook').length;
    await runInBash(`${command} --silent --fail`);
    return (await receiver.waitFor(before + 1, '/hook'))[before]!;
  }

  it('signs in with an API key and keeps no key in the page', async () => {
    const { page } = browser;
    await signIn(page, server.url, server.apiKey);
    const cookies = await browser.context.cookies();
    const session = cookies.find((c) => c.name === 'hb_session');
    assert.ok(session, 'a session cookie is set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    const stored = await page.evaluate(
      () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie,
    );
    assert.ok(!stored.includes(server.apiKey), 'the key is in no storage script can read');
    await browser.screenshot('overview-empty');
  });

  it('creates an endpoint and shows its signing secret once', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Endpoints' }).first().click();
    await page.getByRole('link', { name: 'New endpoint' }).click();
    await page.getByLabel('URL', { exact: true }).fill(`${receiver.url}/hook`);
    await page.getByLabel('Description').fill('Orders receiver');
    await page.getByLabel('Custom headers').fill('X-Tenant: acme');
    await browser.screenshot('endpoint-form');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    const dialog = page.getByRole('dialog', { name: 'Endpoint created' });
    firstSecret = (await dialog.getByTestId('secret').textContent()) ?? '';
    assert.match(firstSecret, /^whsec_/);
    await browser.screenshot('endpoint-created-secret');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('heading', { name: /Orders receiver/ }).waitFor();
    endpointId = page.url().split('/').pop()!;
    assert.match(endpointId, /^ep_[0-9a-f]{32}$/);
  });

  it('sends a test event and watches it arrive, signed', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Send a test event' }).click();
    await page.getByRole('status').getByText('Test event sent').waitFor();
    await page.getByTestId('recent-message').first().locator('[data-status="succeeded"]').waitFor();
    const [delivery] = await receiver.waitFor(1, '/hook');
    assert.ok(signedWith(firstSecret, delivery!), 'the delivery verifies with the secret the console showed');
    assert.equal(delivery!.headers['x-tenant'], 'acme');
    assert.equal(JSON.parse(delivery!.body.toString()).type, 'hookbridge.test');
    await browser.screenshot('endpoint-detail');
  });

  it('opens the message: payload, attempt timeline and timing waterfall', async () => {
    const { page } = browser;
    await page.getByTestId('recent-message').first().getByRole('link').click();
    await page.getByRole('heading', { name: /^Message/ }).waitFor();
    await page.getByTestId('attempt').first().waitFor();
    assert.equal(await page.getByTestId('attempt').count(), 1);
    await page.getByTestId('waterfall').first().waitFor();
    await page.getByTestId('payload-tree').getByText('"hookbridge.test"').waitFor();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const messageId = page.url().split('/').pop()!;
    const curl = await copyCurl();
    assert.match(curl, new RegExp(`^curl -X POST '${receiver.url}/hook'`));
    assert.match(curl, new RegExp(`-H 'X-Webhook-Id: ${messageId}'`));
    assert.match(curl, /--data-raw '\{"type":"hookbridge.test"/);
    const replayed = await runCurl(curl);
    assert.equal(
      verify<{ type: string }>(replayed.body, replayed.headers, firstSecret).payload.type,
      'hookbridge.test',
    );
    assert.equal(replayed.headers['x-webhook-id'], messageId);
    assert.equal(replayed.headers['x-tenant'], 'acme');
    assert.deepEqual(replayed.body, receiver.for('/hook')[0]!.body, 'the stored body, byte for byte');
    await page.getByRole('checkbox', { name: 'Raw' }).check();
    assert.match((await page.getByTestId('payload-raw').textContent()) ?? '', /"type":"hookbridge.test"/);
    await browser.screenshot('message-detail');
  });

  it('copies as curl a body full of shell syntax, which arrives intact and verifies', async () => {
    const { page } = browser;
    const payload = {
      note: "it's a 'quoted' $HOME `id` $(exit 1) \\ \"double\" ! é 🚀",
      lines: 'one\ntwo',
    };
    const sent = await server.api<{ data: { message_id: string } }>('POST', '/v1/webhooks/send', {
      endpoint_id: endpointId,
      payload,
    });
    assert.equal(sent.status, 202);
    const messageId = sent.body.data.message_id;
    await receiver.waitFor(receiver.for('/hook').length + 1, '/hook');
    await page.goto(`${server.url}/console/messages/${messageId}`);
    await page.getByTestId('attempt').first().waitFor();
    const curl = await copyCurl();
    assert.ok(curl.includes(`'\\''`), 'each single quote closed, escaped and reopened');
    const replayed = await runCurl(curl);
    assert.equal(replayed.headers['x-webhook-id'], messageId);
    assert.deepEqual(verify(replayed.body, replayed.headers, firstSecret).payload, payload);
  });

  it('shows a failing receiver: the failure and its retries, then a replay that succeeds', async () => {
    const { page } = browser;
    receiver.setDefault(status(500, {}, 'receiver down'));
    await page.goto(`${server.url}/console/endpoints/${endpointId}`);
    await page.getByRole('button', { name: 'Send a test event' }).click();
    await page.getByRole('status').getByRole('link').click();
    // Three attempts in all (HOOKBRIDGE_RETRY_SCHEDULE=1,1), then the message is dead-lettered.
    await page.locator('h1 [data-status="failed_permanent"]').waitFor({ timeout: 30_000 });
    // The message and its attempts are polled separately: wait for the third attempt to be listed.
    await page.getByTestId('attempt').nth(2).waitFor();
    assert.equal(await page.getByTestId('attempt').count(), 3);
    assert.equal(await page.getByTestId('attempt-count').textContent(), '3');
    await page
      .getByText('receiver down')
      .first()
      .waitFor()
      .catch(() => {});
    await page.getByTestId('attempt').filter({ hasText: '500' }).first().waitFor();
    await browser.screenshot('message-failed-retries');

    receiver.setDefault(status(200));
    await page.getByRole('button', { name: 'Replay (0/10)' }).click();
    await page.locator('h1 [data-status="succeeded"]').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Replay (1/10)' }).waitFor();
    await page.getByTestId('attempt').nth(3).waitFor();
    assert.equal(await page.getByTestId('attempt').count(), 4);
    await browser.screenshot('message-replayed');
  });

  it('lists a dead letter and replays it from the DLQ', async () => {
    const { page } = browser;
    receiver.setDefault(status(500));
    const sent = await server.api('POST', '/v1/webhooks/send', {
      endpoint_id: endpointId,
      payload: { n: 'dlq' },
    });
    assert.equal(sent.status, 202);
    const id = sent.body.data.message_id as string;
    for (let i = 0; i < 300; i++) {
      const m = await server.api('GET', `/v1/messages/${id}`);
      if (m.body.data.status === 'failed_permanent') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    receiver.setDefault(status(200));
    await page.getByRole('link', { name: 'Dead letters' }).click();
    const row = page.getByRole('row').filter({ hasText: id.slice(0, 13) });
    await row.waitFor();
    await browser.screenshot('dlq');
    await row.getByRole('button', { name: 'Replay' }).click();
    await row.waitFor({ state: 'detached', timeout: 30_000 });
    const after = await server.api('GET', `/v1/messages/${id}`);
    assert.notEqual(after.body.data.status, 'failed_permanent');
  });

  it('rotates the signing key: add one (shown once), delete the old, deliveries use the new', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/console/endpoints/${endpointId}`);
    await page.getByTestId('signing-key').first().waitFor();
    assert.equal(await page.getByTestId('signing-key').count(), 1);
    await page.getByRole('button', { name: 'Add signing key' }).click();
    const dialog = page.getByRole('dialog', { name: 'New signing key' });
    const secondSecret = (await dialog.getByTestId('secret').textContent()) ?? '';
    assert.match(secondSecret, /^whsec_/);
    assert.notEqual(secondSecret, firstSecret);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('signing-key').nth(1).waitFor();
    await browser.screenshot('signing-keys-two');
    await page.getByTestId('signing-key').first().getByRole('button', { name: 'Delete' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="signing-key"]').length === 1);
    const before = receiver.for('/hook').length;
    await page.getByRole('button', { name: 'Send a test event' }).click();
    const deliveries = await receiver.waitFor(before + 1, '/hook');
    const latest = deliveries[deliveries.length - 1]!;
    assert.ok(signedWith(secondSecret, latest), 'signed with the new key');
    assert.ok(!signedWith(firstSecret, latest), 'no longer with the deleted one');
  });

  it('draws the overview chart from real data, with the failing endpoint listed', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByTestId('timeseries-chart').locator('canvas').first().waitFor();
    // The legend shows the hovered (or last) bucket; the totals card shows the messages sent above.
    await page
      .getByTestId('metric-Messages')
      .getByText(/^[1-9]/)
      .waitFor();
    const painted = await page
      .getByTestId('timeseries-chart')
      .locator('canvas')
      .first()
      .evaluate((canvas) => {
        const c = canvas as HTMLCanvasElement;
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let coloured = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) coloured++;
        return coloured;
      });
    assert.ok(painted > 100, `the chart canvas has bars drawn on it (${painted} painted pixels)`);
    await page
      .getByRole('table', { name: 'Failing endpoints' })
      .getByRole('link', { name: 'Orders receiver' })
      .waitFor();
    await browser.screenshot('overview-chart');
  });
});
