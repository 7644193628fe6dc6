import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Browser, openBrowser, signIn } from './helpers/browser.js';
import { type ConsoleServer, startServer } from './helpers/server.js';

// Nothing listens on port 9: every attempt fails to connect, a retryable failure.
const DEAD_URL = 'http://127.0.0.1:9/dead';

describe('operations on endpoints and messages in headless Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let endpointId = '';

  before(async () => {
    // Retries an hour apart: a failed message waits in pending_retry while the test acts on it.
    [server, browser] = await Promise.all([
      startServer({ HOOKBRIDGE_RETRY_SCHEDULE: '3600,3600' }),
      openBrowser(),
    ]);
    const endpoint = await server.api('POST', '/v1/endpoints', {
      url: DEAD_URL,
      description: 'Dead receiver',
    });
    endpointId = endpoint.body.data.id;
    await signIn(browser.page, server.url, server.apiKey);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('edits an endpoint, pauses it and resumes it', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/console/endpoints/${endpointId}`);
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Description').fill('Dead receiver, renamed');
    await page.getByLabel(/^Rate limit/).fill('5');
    await page.getByLabel('Burst').fill('10');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Dead receiver, renamed' }).waitFor();
    await page.getByText('5/s, burst 10').waitFor();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('h1 .badge', { hasText: 'paused' }).waitFor();
    const paused = await server.api('GET', `/v1/endpoints/${endpointId}`);
    assert.equal(paused.body.data.paused, true);
    await page.getByRole('navigation').getByRole('link', { name: 'Endpoints' }).first().click();
    await page
      .getByRole('row', { name: /Dead receiver, renamed/ })
      .getByText('paused')
      .waitFor();
    await browser.screenshot('endpoints');
    await page.getByRole('link', { name: DEAD_URL }).click();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
  });

  it('retries a waiting message now, then cancels it into the dead letters', async () => {
    const { page } = browser;
    const sent = await server.api('POST', '/v1/webhooks/send', {
      endpoint_id: endpointId,
      payload: { op: 'retry' },
    });
    const id = sent.body.data.message_id as string;
    await page.goto(`${server.url}/console/messages/${id}`);
    await page.locator('h1 [data-status="pending_retry"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('attempt-count').getByText('1').waitFor();
    await page.getByRole('button', { name: 'Retry now' }).click();
    await page.getByTestId('attempt-count').getByText('2').waitFor({ timeout: 30_000 });
    await page.locator('h1 [data-status="pending_retry"]').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('h1 [data-status="failed_permanent"]').waitFor();
    await page.getByRole('link', { name: 'Dead letters' }).click();
    await page
      .getByRole('row')
      .filter({ hasText: id.slice(0, 13) })
      .waitFor();
  });

  it('offers new messages on a list without moving the rows already shown', async () => {
    const { page } = browser;
    await page.getByRole('navigation').getByRole('link', { name: 'Messages' }).first().click();
    await page.getByTestId('row-count').getByText('1 loaded').waitFor();
    await server.api('POST', `/v1/endpoints/${endpointId}/pause`);
    await server.api('POST', '/v1/webhooks/send', { endpoint_id: endpointId, payload: { op: 'new' } });
    await page.getByText('1 new message.').waitFor();
    assert.equal(await page.getByTestId('row-count').textContent(), '1 loaded');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByTestId('row-count').getByText('2 loaded').waitFor();
  });

  it('edits an inbound endpoint: verification, pause and disable', async () => {
    const { page } = browser;
    const created = await server.api('POST', '/v1/inbound-endpoints', { name: 'CLI hook', mode: 'cli' });
    const id = created.body.data.id as string;
    await page.goto(`${server.url}/console/inbound/endpoints/${id}`);
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('HMAC signature').check();
    await page.getByLabel('Signature header').fill('X-Signature');
    await page.getByRole('textbox', { name: /^Secret/ }).fill('provider-secret');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('HMAC (X-Signature)').waitFor();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('h1 .badge', { hasText: 'paused' }).waitFor();
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.locator('h1 .badge', { hasText: 'disabled' }).waitFor();
    await browser.screenshot('inbound-endpoint-detail');
    const unsigned = await fetch(created.body.data.ingest_url, { method: 'POST', body: '{}' });
    assert.notEqual(unsigned.status, 202, 'a disabled endpoint accepts nothing');
  });
});
