import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Browser, openBrowser, signIn } from './helpers/browser.js';
import { type ConsoleServer, startServer } from './helpers/server.js';

const MESSAGES = Number(process.env.E2E_MESSAGES ?? 10_000);

/** Sends through the public API, a few dozen at a time, to a paused endpoint (nothing is delivered). */
async function sendMany(server: ConsoleServer, endpointId: string, count: number): Promise<string[]> {
  const ids: string[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const sent = await server.api('POST', '/v1/webhooks/send', { endpoint_id: endpointId, payload: { i } });
      assert.equal(sent.status, 202);
      ids[i] = sent.body.data.message_id;
    }
  };
  await Promise.all(Array.from({ length: 24 }, worker));
  return ids;
}

describe('the console at scale, by keyboard, in the dark and on a phone', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let ids: string[] = [];

  before(async () => {
    [server, browser] = await Promise.all([startServer(), openBrowser()]);
    const endpoint = await server.api('POST', '/v1/endpoints', {
      url: 'http://127.0.0.1:9/bulk',
      description: 'bulk',
    });
    await server.api('POST', `/v1/endpoints/${endpoint.body.data.id}/pause`);
    ids = await sendMany(server, endpoint.body.data.id, MESSAGES);
    await signIn(browser.page, server.url, server.apiKey);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('holds 10,000 messages in a virtualised table and scrolls to the oldest', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/console/messages`);
    const table = page.getByRole('table', { name: 'Messages' });
    await page.getByTestId('row-count').getByText('500 loaded, more below').waitFor();
    // Scrolling to the end fetches the next cursor page, until every page is in.
    for (let i = 0; i < 60; i++) {
      const text = (await page.getByTestId('row-count').textContent()) ?? '';
      if (text.startsWith('10,000 loaded') && !text.includes('more')) break;
      await table.evaluate((element) =>
        element.parentElement!.scrollTo({ top: element.parentElement!.scrollHeight }),
      );
      await page.waitForTimeout(150);
    }
    await page.getByTestId('row-count').getByText('10,000 loaded').waitFor();
    const inDom = await table.locator('tr[data-index]').count();
    assert.ok(inDom > 0 && inDom < 100, `only the visible rows are rendered (${inDom} of ${MESSAGES})`);
    const oldest = [...ids].sort()[0]!;
    await table.evaluate((element) =>
      element.parentElement!.scrollTo({ top: element.parentElement!.scrollHeight }),
    );
    await table
      .getByRole('row')
      .filter({ hasText: oldest.slice(0, 13) })
      .waitFor();
    await browser.screenshot('messages-10000');
  });

  it('moves through rows with the arrow keys and opens one with Enter', async () => {
    const { page } = browser;
    const table = page.getByRole('table', { name: 'Messages' });
    await table.evaluate((element) => element.parentElement!.scrollTo({ top: 0 }));
    const first = table.locator('tr[data-index="0"]');
    await first.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-index') === '2');
    const newest = [...ids].sort().reverse();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/console/messages/${newest[2]}$`));
    await page.getByRole('heading', { name: new RegExp(newest[2]!) }).waitFor();
  });

  it('switches to dark mode and keeps it across a reload', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/console/`);
    await page.getByLabel('Theme').selectOption('dark');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await page.reload();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(background, 'rgb(18, 19, 26)');
    await page.getByTestId('timeseries-chart').locator('canvas').first().waitFor();
    await browser.screenshot('overview-dark');
    await page.getByLabel('Theme').selectOption('light');
  });

  it('works at phone width: the menu opens, navigates and closes, and the page does not overflow', async () => {
    const phone = await openBrowser({ width: 390, height: 844 });
    try {
      const { page } = phone;
      await signIn(page, server.url, server.apiKey);
      const nav = page.getByRole('navigation', { name: 'Main' });
      assert.equal(await nav.isVisible(), false, 'the menu starts closed');
      await page.getByRole('button', { name: 'Menu' }).click();
      await nav.waitFor();
      await phone.screenshot('phone-menu');
      await nav.getByRole('link', { name: 'Messages' }).first().click();
      await page.getByRole('heading', { name: 'Messages' }).waitFor();
      await nav.waitFor({ state: 'hidden' });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px too wide)`);
      await phone.screenshot('phone-messages');
    } finally {
      await phone.close();
    }
  });
});
