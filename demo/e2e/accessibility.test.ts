/**
 * An accessibility audit (axe-core, in the e2e Chromium) of every demo page at 1280 and 390 px, light and dark,
 * and of the widget in each state a visitor may meet (loading, an error, the sign-in request, the launcher open):
 * no serious or critical violation. At 390 px it also checks what a phone user would notice: every page's link is
 * in sight and the widget's messages are not cut off. Screenshots go to test-results/screenshots/.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { seriousViolations } from './accessibility-audit.js';
import { demoStackPerSuite, saveScreenshot, type DemoStack } from './demo-stack.js';
import { watchPageProblems } from './page-problems.js';

const TEST_TIMEOUT = { timeout: 90_000 };
const WIDTHS = [1280, 390] as const;
const SCHEMES = ['light', 'dark'] as const;

const widgetReady = (page: Page) =>
  page.locator('chat-kit-widget').first().evaluate((widget: HTMLElementTagNameMap['chat-kit-widget']) => widget.ready);

interface DemoPage {
  name: string;
  url: (stack: DemoStack) => string;
  settled: (page: Page) => Promise<unknown>;
}

const PAGES: DemoPage[] = [
  { name: 'overview', url: (s) => `${s.siteUrl}/`, settled: (page) => page.locator('.feature[data-state="on"]').first().waitFor() },
  { name: 'direct-token', url: (s) => `${s.siteUrl}/direct-token`, settled: widgetReady },
  { name: 'custom-fetch', url: (s) => `${s.siteUrl}/custom-fetch`, settled: (page) => page.getByRole('button', { name: 'Sign in' }).waitFor() },
  { name: 'client-secret', url: (s) => `${s.siteUrl}/client-secret`, settled: (page) => page.getByRole('button', { name: 'Sign in' }).waitFor() },
  { name: 'launcher', url: (s) => `${s.siteUrl}/launcher`, settled: (page) => page.locator('[part="launcher"]').waitFor() },
  {
    name: 'builder',
    url: (s) => `${s.siteUrl}/builder`,
    // On a phone the preview is below the form, and an inline widget loads only as it nears the viewport.
    settled: async (page) => {
      await page.locator('[data-preview]').scrollIntoViewIfNeeded();
      await widgetReady(page);
    },
  },
  { name: 'second-origin', url: (s) => `${s.secondOriginUrl}/`, settled: widgetReady },
];

/** Each text line of the widget's message box that reaches past the box's left or right edge. */
function clippedLines(page: Page): Promise<string[]> {
  return page.locator('chat-kit-widget').first().evaluate((widget) => {
    const box = widget.shadowRoot!.querySelector<HTMLElement>('[part~="error"], .status')!;
    const bounds = box.getBoundingClientRect();
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    const clipped: string[] = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const line of range.getClientRects())
        if (line.left < bounds.left - 0.5 || line.right > bounds.right + 0.5) clipped.push(`"${node.textContent}" at ${line.left}..${line.right} in ${bounds.left}..${bounds.right}`);
    }
    return clipped;
  });
}

/** The widget's shown message, once it shows `text`. */
async function widgetSays(page: Page, text: string | RegExp): Promise<void> {
  await page.locator('chat-kit-widget').first().locator('[part~="error"], .status').filter({ hasText: text }).first().waitFor();
}

/** Brings a page's widget into view (an inline widget loads as it nears the viewport; a launcher when opened). */
async function showWidget(page: Page): Promise<void> {
  const launcher = page.locator('chat-kit-widget [part="launcher"]');
  if (await launcher.count()) await launcher.click();
  else await page.locator('chat-kit-widget').first().scrollIntoViewIfNeeded();
}

/** The pages with a widget of their own, and how a visitor reaches it. */
const WIDGET_PAGES: DemoPage[] = PAGES.filter((p) => ['direct-token', 'launcher', 'builder', 'second-origin'].includes(p.name));

interface WidgetState {
  name: string;
  pages: DemoPage[];
  /** Brings the first widget on the page at `url` into this state. */
  reach: (page: Page, stack: DemoStack, url: string) => Promise<void>;
}

const WIDGET_STATES: WidgetState[] = [
  {
    name: 'loading',
    pages: WIDGET_PAGES,
    reach: async (page, stack, url) => {
      // ChatKit's script never arrives (held, not refused): the widget keeps saying it is loading. An inline
      // widget in view asks for the script while the page loads, so the held request keeps `load` from firing.
      await page.route(stack.chatkitScriptSrc, () => undefined);
      await page.goto(url, { waitUntil: 'domcontentloaded' });
      await showWidget(page);
      await widgetSays(page, 'Loading chat…');
    },
  },
  {
    name: 'error',
    pages: WIDGET_PAGES,
    reach: async (page, stack, url) => {
      await page.route(stack.chatkitScriptSrc, (route) => route.abort());
      await page.goto(url);
      await showWidget(page);
      await widgetSays(page, 'The chat could not load.');
    },
  },
  {
    name: 'sign-in',
    pages: PAGES.filter((p) => ['custom-fetch', 'client-secret'].includes(p.name)),
    reach: async (page, stack, url) => {
      await page.goto(url);
      // What a site's signed-in page shows to nobody signed in when it has no public key to fall back to.
      await page.evaluate(
        ([scriptSrc, authMode]) => {
          const widget = document.createElement('chat-kit-widget');
          for (const [name, value] of Object.entries({ 'auth-mode': authMode!, theme: 'auto', persist: 'none', 'script-src': scriptSrc! })) widget.setAttribute(name, value);
          widget.getAuthToken = async () => null;
          document.querySelector('[data-chat-slot]')!.prepend(widget);
        },
        [stack.chatkitScriptSrc, new URL(url).pathname.slice(1)],
      );
      await widgetSays(page, 'Please sign in to chat.');
    },
  },
  {
    name: 'launcher-open',
    pages: PAGES.filter((p) => p.name === 'launcher'),
    reach: async (page, _stack, url) => {
      await page.goto(url);
      await page.locator('[part="launcher"]').click();
      await widgetReady(page);
    },
  },
];

describe('accessibility and phone layout of every demo page', () => {
  // Each of the ~70 tests is a new visitor from 127.0.0.1 within a couple of minutes: far past the per-address
  // budgets for new visitors, which are not what this suite is about.
  const stack = demoStackPerSuite({
    env: { RATE_LIMIT_PUBLIC_PER_IP: '10000', RATE_LIMIT_PER_KEY: '10000', RATE_LIMIT_API_PER_IP: '10000' },
  });

  for (const width of WIDTHS)
    for (const colorScheme of SCHEMES)
      for (const demoPage of PAGES)
        test(`${demoPage.name} at ${width} px (${colorScheme}): no serious accessibility violation${width < 640 ? ', every page link in sight' : ''}`, TEST_TIMEOUT, async () => {
          const { context, page } = await stack().newPage({ viewport: { width, height: 844 }, colorScheme });
          const problems = watchPageProblems(page);
          await page.goto(demoPage.url(stack()));
          await demoPage.settled(page);
          assert.deepEqual(await seriousViolations(page), []);
          const nav = page.locator('.site-nav a');
          for (let i = 0; i < (await nav.count()); i++) {
            const box = (await nav.nth(i).boundingBox())!;
            assert.ok(box.x >= 0 && box.x + box.width <= width, `the nav link "${await nav.nth(i).textContent()}" is out of sight at ${box.x}..${box.x + box.width}`);
          }
          if (width < 640) await saveScreenshot(page, `${demoPage.name}-${width}-${colorScheme}`);
          assert.deepEqual(problems.list(), []);
          await context.close();
        });

  for (const width of WIDTHS)
    for (const colorScheme of SCHEMES)
      for (const state of WIDGET_STATES)
        for (const demoPage of state.pages)
          test(`the widget ${state.name} on ${demoPage.name} at ${width} px (${colorScheme}): no serious violation, and its text is not cut off`, TEST_TIMEOUT, async () => {
            const { context, page } = await stack().newPage({ viewport: { width, height: 844 }, colorScheme });
            await state.reach(page, stack(), demoPage.url(stack()));
            assert.deepEqual(await seriousViolations(page), []);
            if (state.name !== 'launcher-open') assert.deepEqual(await clippedLines(page), []);
            await saveScreenshot(page, `widget-${state.name}-${demoPage.name}-${width}-${colorScheme}`);
            await context.close();
          });
});
