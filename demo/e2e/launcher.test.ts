import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { demoStackPerSuite } from './demo-stack.js';
import { chat } from './page-actions.js';

const TEST_TIMEOUT = { timeout: 60_000 };
const LAZY_CHUNK = /\/chat-kit-widget-[\w.-]+\.js$/;

function launcher(page: Page) {
  const widget = page.locator('chat-kit-widget[display="launcher"]');
  return { widget, button: widget.locator('[part="launcher"]'), panel: widget.locator('[part="panel"]') };
}

/** Which part of the widget has focus inside its shadow root (null when focus is elsewhere). */
function focusedPart(page: Page): Promise<string | null> {
  return page.locator('chat-kit-widget[display="launcher"]').evaluate((widget) => widget.shadowRoot?.activeElement?.getAttribute('part') ?? null);
}

describe('the launcher page', () => {
  const stack = demoStackPerSuite();

  test('by mouse: nothing heavy loads until the button is hovered; a click opens the panel and its close button closes it', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage();
    const chunks: string[] = [];
    page.on('request', (request) => {
      if (LAZY_CHUNK.test(request.url())) chunks.push(request.url());
    });
    await page.goto(`${stack().siteUrl}/launcher`);
    const { button, panel } = launcher(page);
    await button.waitFor();
    assert.deepEqual(chunks, [], 'ChatKit code is not fetched before anyone shows interest');
    assert.equal(await button.getAttribute('aria-expanded'), 'false');

    const chunkRequested = page.waitForRequest(LAZY_CHUNK);
    await button.hover();
    await chunkRequested;
    await button.click();
    await panel.waitFor({ state: 'visible' });
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    assert.equal(await panel.getAttribute('role'), 'dialog');
    await page.getByText('The panel is open.').waitFor();
    assert.equal(await chat(panel, 'Is this page about launchers?'), 'Hello from the scripted model!');

    await panel.getByRole('button', { name: /close/i }).click();
    await panel.waitFor({ state: 'hidden' });
    assert.equal(await button.getAttribute('aria-expanded'), 'false');
    await page.getByText('The panel is closed.').waitFor();
    await context.close();
  });

  test('by keyboard: Tab reaches the button, Enter opens the panel, Escape closes it and gives focus back', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage();
    await page.goto(`${stack().siteUrl}/launcher`);
    const { button, panel } = launcher(page);
    await button.waitFor();
    for (let presses = 0; presses < 40 && (await focusedPart(page)) !== 'launcher'; presses++) await page.keyboard.press('Tab');
    assert.equal(await focusedPart(page), 'launcher', 'the launcher can be reached with Tab');

    await page.keyboard.press('Enter');
    await panel.waitFor({ state: 'visible' });
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    assert.equal(await focusedPart(page), 'panel', 'focus moves into the panel');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    assert.equal(await focusedPart(page), 'launcher', 'focus returns to the button');

    await page.keyboard.press('Space');
    await panel.waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    await context.close();
  });

  test('the page\'s own buttons drive the widget through open() and close()', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage();
    await page.goto(`${stack().siteUrl}/launcher`);
    const { button, panel } = launcher(page);
    await page.getByRole('button', { name: 'Open the chat' }).click();
    await panel.waitFor({ state: 'visible' });
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    await page.getByRole('button', { name: 'Close it' }).click();
    await panel.waitFor({ state: 'hidden' });
    await context.close();
  });
});
