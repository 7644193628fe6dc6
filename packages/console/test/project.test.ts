import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { type Browser, openBrowser, signIn } from './helpers/browser.js';
import { ADMIN_TOKEN, type ConsoleServer, startServer } from './helpers/server.js';

describe('project journeys in headless Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;

  before(async () => {
    [server, browser] = await Promise.all([startServer(), openBrowser()]);
    const endpoint = await server.api('POST', '/v1/endpoints', { url: 'http://127.0.0.1:9/unreachable' });
    assert.equal(endpoint.status, 201);
    await server.api('POST', `/v1/endpoints/${endpoint.body.data.id}/pause`);
    for (let i = 0; i < 3; i++) {
      const sent = await server.api('POST', '/v1/webhooks/send', {
        endpoint_id: endpoint.body.data.id,
        payload: { i },
      });
      assert.equal(sent.status, 202);
    }
    await signIn(browser.page, server.url, server.apiKey);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates an export from the message filters, watches it complete and downloads the CSV', async () => {
    const { page } = browser;
    await page.getByRole('navigation').getByRole('link', { name: 'Messages' }).first().click();
    await page.getByTestId('row-count').getByText('3 loaded').waitFor();
    await browser.screenshot('messages');
    await page.getByRole('button', { name: 'Export these' }).click();
    await page.getByRole('heading', { name: 'Exports' }).waitFor();
    const row = page.getByTestId('export-row').first();
    await row.and(page.locator('[data-status="completed"]')).waitFor({ timeout: 30_000 });
    await browser.screenshot('exports');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByRole('link', { name: 'Download' }).click(),
    ]);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trim().split(/\r\n/);
    assert.match(lines[0]!, /^message_id,endpoint_id,endpoint,status/);
    assert.equal(lines.length, 4, 'a header and one row per message');
  });

  it('creates an API key shown once, lists it with its label, and deletes it', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Label').fill('ci deploys');
    await page.getByLabel('Mode').selectOption('test');
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog', { name: 'API key created' });
    const key = (await dialog.getByTestId('secret').textContent()) ?? '';
    assert.match(key, /^hb_test_[a-z0-9]{32}$/);
    await browser.screenshot('api-key-created');
    await dialog.getByRole('button', { name: 'Done' }).click();
    const row = page.getByTestId('api-key-row').filter({ hasText: 'ci deploys' });
    await row.waitFor();
    assert.ok(!(await page.content()).includes(key), 'the key is gone from the page once the dialog closes');
    const works = await fetch(`${server.url}/v1/api-keys`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(works.status, 200);
    await browser.screenshot('api-keys');
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
    const revoked = await fetch(`${server.url}/v1/api-keys`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(revoked.status, 401);
  });

  it('shows the project settings read-only for a key, and the self-hosted plan', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.waitForFunction(
      () => (document.querySelector('#s-name') as HTMLInputElement | null)?.value === 'Default',
    );
    assert.equal(await page.getByLabel('Name').isDisabled(), true, 'a key cannot change project settings');
    await browser.screenshot('settings');
    await page.getByRole('link', { name: 'Plan' }).click();
    await page.getByTestId('plan-name').getByText('self-hosted').waitFor();
    await page.getByRole('table', { name: 'Usage history' }).getByRole('row').nth(1).waitFor();
    await browser.screenshot('plan');
  });

  it('signs out: the session ends on the server and the old cookie is refused', async () => {
    const { page, context } = browser;
    const cookie = (await context.cookies()).find((c) => c.name === 'hb_session');
    assert.ok(cookie);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to HookBridge' }).waitFor();
    assert.equal(
      (await context.cookies()).find((c) => c.name === 'hb_session'),
      undefined,
    );
    const replayed = await fetch(`${server.url}/v1/endpoints`, {
      headers: { cookie: `hb_session=${cookie.value}` },
    });
    assert.equal(replayed.status, 401, 'a copy of the cookie no longer works');
    await page.goto(`${server.url}/console/endpoints`);
    await page.getByRole('heading', { name: 'Sign in to HookBridge' }).waitFor();
    await browser.screenshot('sign-in');
  });

  it('refuses a wrong key on the sign-in form', async () => {
    const { page } = browser;
    await page.getByRole('textbox', { name: 'API key' }).fill(`hb_live_${'0'.repeat(32)}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('Invalid or missing API key').waitFor();
  });

  it('signs in with the admin token and acts for the project it picks', async () => {
    const { page } = browser;
    await page.getByRole('radio', { name: 'Admin token' }).check();
    await page.getByRole('textbox', { name: 'Admin token' }).fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose a project' }).waitFor();
    await page.getByRole('button', { name: 'Default' }).click();
    // Signing in keeps the page that asked for it (the link the user followed before signing in).
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await page.getByRole('link', { name: 'http://127.0.0.1:9/unreachable' }).waitFor();
    await page.getByRole('link', { name: 'Settings' }).click();
    const name = page.getByLabel('Name');
    await name.and(page.locator(':not([disabled])')).waitFor();
    await name.fill('Renamed by admin');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    const projects = await fetch(`${server.url}/v1/projects`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const names = ((await projects.json()) as { data: Array<{ name: string }> }).data.map((p) => p.name);
    assert.ok(names.includes('Renamed by admin'), names.join(', '));
  });

  it('keeps what the admin types in Settings while the project is still loading', async () => {
    const { page } = browser;
    // The project's GET answers late, so anything typed before it arrives would be overwritten.
    await page.route(/\/v1\/projects\/[^/?]+$/, async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      await new Promise((resolve) => setTimeout(resolve, 700));
      await route.continue();
    });
    try {
      const loaded = page.waitForResponse(
        (response) => /\/v1\/projects\/[^/?]+$/.test(response.url()) && response.request().method() === 'GET',
      );
      await page.goto(`${server.url}/console/settings`);
      const name = page.getByLabel('Name');
      await name.and(page.locator(':not([disabled])')).waitFor();
      await name.fill('Typed while loading');
      await loaded;
      // The answer has been rendered once this reads the field (the next frame after the response).
      await page.evaluate(
        () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50))),
      );
      assert.equal(await name.inputValue(), 'Typed while loading');
    } finally {
      await page.unroute(/\/v1\/projects\/[^/?]+$/);
    }
  });
});
