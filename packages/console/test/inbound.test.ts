import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Receiver } from '../../server/test/helpers/receiver.js';
import { type Browser, openBrowser, signIn } from './helpers/browser.js';
import { type ConsoleServer, startServer } from './helpers/server.js';

describe('inbound journeys in headless Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let receiver: Receiver;
  let ingestUrl = '';
  let messageId = '';

  before(async () => {
    [server, receiver, browser] = await Promise.all([startServer(), Receiver.start(), openBrowser()]);
    await signIn(browser.page, server.url, server.apiKey);
  });
  after(async () => {
    await browser?.close();
    await receiver?.close();
    await server?.close();
  });

  it('creates a forwarding inbound endpoint with a static token, and shows its ingest URL', async () => {
    const { page } = browser;
    await page.getByRole('navigation').getByRole('link', { name: 'Endpoints' }).nth(1).click();
    await page.getByRole('link', { name: 'New inbound endpoint' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Payments provider');
    await page.getByRole('textbox', { name: 'Forward to' }).fill(`${receiver.url}/inbound`);
    await page.getByLabel('Static token').check();
    await page.getByLabel('Token header').fill('X-Webhook-Token');
    await page.getByRole('textbox', { name: 'Token', exact: true }).fill('s3cret-token');
    await browser.screenshot('inbound-endpoint-form');
    await page.getByRole('button', { name: 'Create inbound endpoint' }).click();
    const dialog = page.getByRole('dialog', { name: 'Inbound endpoint created' });
    ingestUrl = (await dialog.getByTestId('ingest-url').textContent()) ?? '';
    assert.ok(ingestUrl.startsWith(`${server.url}/v1/webhooks/receive/`), ingestUrl);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('heading', { name: /Payments provider/ }).waitFor();
  });

  it('shows an accepted webhook arriving, forwarded, with its payload', async () => {
    const { page } = browser;
    const accepted = await fetch(ingestUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-token': 's3cret-token' },
      body: JSON.stringify({ event: 'payment.succeeded', amount: 4200 }),
    });
    assert.equal(accepted.status, 202, await accepted.clone().text());
    messageId = ((await accepted.json()) as { data: { message_id: string } }).data.message_id;
    await receiver.waitFor(1, '/inbound');
    await page.getByTestId('recent-message').first().locator('[data-status="succeeded"]').waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Messages' }).nth(1).click();
    const row = page.getByRole('row').filter({ hasText: messageId.slice(0, 13) });
    await row.locator('[data-status="succeeded"]').waitFor();
    await browser.screenshot('inbound-messages');
    await row.click();
    await page.getByRole('heading', { name: new RegExp(messageId) }).waitFor();
    await page.getByTestId('payload-tree').getByText('"payment.succeeded"').waitFor();
    await page.getByTestId('attempt').first().waitFor();
    await browser.screenshot('inbound-message-detail');
  });

  it('lists a refused request under rejections, never forwarded', async () => {
    const { page } = browser;
    const refused = await fetch(ingestUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-token': 'wrong' },
      body: '{"event":"forged"}',
    });
    assert.equal(refused.status, 401);
    await page.getByRole('link', { name: 'Rejections' }).click();
    const row = page.getByRole('row').filter({ hasText: 'static_token_failed' });
    await row.waitFor();
    assert.equal(await page.getByRole('row').filter({ hasText: 'static_token_failed' }).count(), 1);
    await browser.screenshot('rejections');
    assert.equal(receiver.for('/inbound').length, 1, 'the refused request was not forwarded');
  });

  it('filters inbound messages by endpoint, and keeps the filter in a shareable URL', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/console/inbound/messages`);
    const select = page.getByLabel('Endpoint');
    await select.locator('option', { hasText: 'Payments provider' }).waitFor({ state: 'attached' });
    await select.selectOption({ label: 'Payments provider' });
    await page.waitForURL(/endpoint_id=/);
    const shared = page.url();
    await page.goto('about:blank');
    await page.goto(shared);
    await page
      .getByRole('row')
      .filter({ hasText: messageId.slice(0, 13) })
      .waitFor();
    await page.getByLabel('Status').selectOption('failed_permanent');
    await page.getByText('No messages match these filters.').waitFor();
  });

  it('copies a binary message as curl that sends the same bytes to the forward URL', async () => {
    const { page } = browser;
    const bytes = Buffer.from([0xff, 0x00, 0x27, 0x0a, 0x80, 0x24, 0x28, 0x5c, 0xfe]);
    const accepted = await fetch(ingestUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-webhook-token': 's3cret-token' },
      body: bytes,
    });
    assert.equal(accepted.status, 202);
    const id = ((await accepted.json()) as { data: { message_id: string } }).data.message_id;
    const [forwarded] = await receiver.waitFor(2, '/inbound').then((all) => all.slice(1));
    await page.goto(`${server.url}/console/inbound/messages/${id}`);
    await page.getByTestId('attempt').first().waitFor();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await page.getByRole('button', { name: 'Copy as curl' }).click();
    await page.getByTestId('curl-copied').waitFor();
    const curl = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(curl, /^printf %s '[A-Za-z0-9+/=]+' \| base64 -d \| curl -X POST /);
    await promisify(execFile)('bash', ['-c', `${curl} --silent --fail`], { timeout: 15_000 });
    const [again] = await receiver.waitFor(3, '/inbound').then((all) => all.slice(2));
    assert.deepEqual(again!.body, bytes);
    assert.deepEqual(again!.body, forwarded!.body);
    assert.equal(again!.headers['content-type'], 'application/octet-stream');
    assert.equal(again!.headers['x-webhook-id'], id);
  });
});
