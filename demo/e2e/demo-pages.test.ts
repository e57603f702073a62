/**
 * Every demo page as a newcomer first sees it, in the light and the dark colour scheme: it loads under its strict
 * CSP without a script error, shows what it is about, and leaves a screenshot in test-results/screenshots/ for a
 * person to look at.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { demoStackPerSuite, saveScreenshot, type DemoStack } from './demo-stack.js';
import { watchPageProblems } from './page-problems.js';
import { chat, signIn } from './page-actions.js';

const TEST_TIMEOUT = { timeout: 60_000 };

interface PageVisit {
  name: string;
  url: (stack: DemoStack) => string;
  /** What a person does (and waits for) before the screenshot. */
  visit: (page: Page) => Promise<void>;
}

const VISITS: PageVisit[] = [
  {
    name: 'index',
    url: (stack) => `${stack.siteUrl}/`,
    visit: async (page) => {
      await page.locator('.feature[data-state="on"]').first().waitFor();
      assert.equal(await page.locator('.card').count(), 6);
    },
  },
  {
    name: 'direct-token',
    url: (stack) => `${stack.siteUrl}/direct-token`,
    visit: async (page) => {
      await chat(page, 'What is this page?');
    },
  },
  {
    name: 'custom-fetch-signed-out',
    url: (stack) => `${stack.siteUrl}/custom-fetch`,
    visit: async (page) => {
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
    },
  },
  {
    name: 'custom-fetch-signed-in',
    url: (stack) => `${stack.siteUrl}/custom-fetch`,
    visit: async (page) => {
      await signIn(page, 'Ada Lovelace');
      await chat(page, 'Summarise my week');
    },
  },
  {
    name: 'client-secret',
    url: (stack) => `${stack.siteUrl}/client-secret`,
    visit: async (page) => {
      await signIn(page, 'Katherine Johnson');
      await page.locator('openai-chatkit[data-hosted-session="started"]').waitFor();
    },
  },
  {
    name: 'launcher-open',
    url: (stack) => `${stack.siteUrl}/launcher`,
    visit: async (page) => {
      await page.getByRole('button', { name: 'Open the chat' }).click();
      await page.locator('openai-chatkit').waitFor();
    },
  },
  {
    name: 'builder',
    url: (stack) => `${stack.siteUrl}/builder`,
    visit: async (page) => {
      await page.locator('openai-chatkit').waitFor();
      await page.locator('[data-snippet]').filter({ hasText: 'chat-kit-widget.js' }).waitFor();
    },
  },
  {
    name: 'second-origin',
    url: (stack) => `${stack.secondOriginUrl}/`,
    visit: async (page) => {
      await chat(page, 'Grind size for a V60?');
    },
  },
];

describe('every demo page, light and dark', () => {
  const stack = demoStackPerSuite();

  for (const colorScheme of ['light', 'dark'] as const) {
    for (const { name, url, visit } of VISITS) {
      test(`${name} (${colorScheme}) loads under its CSP without script errors`, TEST_TIMEOUT, async () => {
        const { context, page } = await stack().newPage({ colorScheme });
        const problems = watchPageProblems(page);
        const response = await page.goto(url(stack()));
        assert.equal(response?.status(), 200);
        assert.match(response?.headers()['content-security-policy'] ?? '', /script-src 'self'/);
        await visit(page);
        // The widget has settled (ChatKit ready).
        if (await page.locator('chat-kit-widget').count()) await page.locator('chat-kit-widget').first().evaluate((widget: HTMLElementTagNameMap['chat-kit-widget']) => widget.ready);
        await saveScreenshot(page, `${name}-${colorScheme}`);
        assert.deepEqual(problems.list(), []);
        await context.close();
      });
    }
  }
});
