/**
 * What happens when a site owner pastes what the builder wrote onto a real host (not localhost, where the widget
 * asks for nothing), under the Content-Security-Policy recipe of docs/csp.md, and what a signed-in page on an origin the
 * server does not list sees. The browser resolves shop.example and stranger.example to 127.0.0.1, where this test
 * serves their pages; the token server is the real demo server.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { demoStackPerSuite, type DemoStack, type DemoStackOptions } from './demo-stack.js';
import { chat } from './page-actions.js';
import { watchPageProblems } from './page-problems.js';

const TEST_TIMEOUT = { timeout: 60_000 };
const CSP_DOC = new URL('../../docs/csp.md', import.meta.url);

interface SiteFile {
  type: string;
  body: string;
}

/** One loopback server for every test site, each known by its Host header; a test sets a site's files. */
class TestSites {
  readonly #files = new Map<string, Record<string, SiteFile>>();
  #server: Server | undefined;
  #port = 0;
  #csp = '';

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const file = this.#files.get(req.headers.host ?? '')?.[new URL(req.url ?? '/', 'http://x').pathname];
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': `${file.type}; charset=utf-8`, 'content-security-policy': this.#csp, 'cache-control': 'no-store' });
      res.end(file.body);
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  origin(host: string): string {
    return `http://${host}:${this.#port}`;
  }

  /** Every site's pages are served under this policy. */
  set policy(csp: string) {
    this.#csp = csp;
  }

  serve(origin: string, files: Record<string, SiteFile>): void {
    this.#files.set(new URL(origin).host, files);
  }

  close(): Promise<void> {
    this.#server?.closeAllConnections();
    return new Promise((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

/** A JWT for `name` from the demo's sign-in, as the site's own sign-in would issue one. */
async function demoUserToken(stack: DemoStack, name: string): Promise<string> {
  const signedIn = await fetch(`${stack.siteUrl}/api/auth/sign-in/name`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(stack.siteUrl).origin },
    body: JSON.stringify({ name }),
  });
  assert.equal(signedIn.status, 200, await signedIn.clone().text());
  const cookie = signedIn.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
  const { token } = (await (await fetch(`${stack.siteUrl}/api/auth/token`, { headers: { cookie } })).json()) as { token: string };
  return token;
}

/** The builder's output for the signed-in mode chosen: the page snippet and chat-auth.js. */
async function builderOutput(stack: DemoStack, context: BrowserContext, mode: RegExp): Promise<{ snippet: string; authScript: string }> {
  const page = await context.newPage();
  await page.goto(`${stack.siteUrl}/builder`);
  await page.getByRole('radio', { name: mode }).check();
  const output = { snippet: (await page.locator('[data-snippet]').textContent())!, authScript: (await page.locator('[data-auth-script]').textContent())! };
  await page.close();
  return output;
}

/**
 * The CSP recipe of docs/csp.md, as a site owner copies it: their token server's origin where the recipe says
 * https://chat.example.com, and the ChatKit stand-in where it says OpenAI's CDN.
 */
function recipePolicy(stack: DemoStack): string {
  const recipe = /Content-Security-Policy:\n([\s\S]*?)\n```/.exec(readFileSync(CSP_DOC, 'utf8'))?.[1];
  assert.ok(recipe, 'docs/csp.md has its recipe');
  return recipe
    .split('\n')
    .map((line) => line.trim())
    .join(' ')
    .replaceAll('https://chat.example.com', new URL(stack.siteUrl).origin)
    .replaceAll('https://cdn.platform.openai.com', new URL(stack.chatkitScriptSrc).origin);
}

/**
 * Puts a site at `origin` whose page is `snippet` (pointed at the ChatKit stand-in, the one change a test must
 * make), with `/chat-auth.js` and the `/auth-client.js` it imports, handing out `token`.
 */
function serveSite(sites: TestSites, stack: DemoStack, origin: string, snippet: string, authScript: string, token: string): void {
  sites.policy = recipePolicy(stack);
  const body = snippet.replace('<chat-kit-widget', `<chat-kit-widget script-src="${stack.chatkitScriptSrc}"`);
  sites.serve(origin, {
    '/': { type: 'text/html', body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body><main><h1>Shop</h1>${body}</main></body></html>` },
    '/chat-auth.js': { type: 'text/javascript', body: authScript },
    // Better Auth's client, as far as chat-auth.js uses it.
    '/auth-client.js': { type: 'text/javascript', body: `export const authClient = { token: async () => ({ data: { token: ${JSON.stringify(token)} } }) };` },
  });
}

function widgetMessage(page: Page): Promise<string> {
  return page.locator('chat-kit-widget [part="error"]').innerText();
}

describe('snippets copied from the builder onto a real host', () => {
  const sites = new TestSites();
  let SHOP = '';
  let STRANGER = '';
  // Read when the stack starts, after the sites are up: the shop is the one origin ALLOWED_ORIGINS lists.
  const options: DemoStackOptions = { env: {}, loopbackHosts: ['shop.example', 'stranger.example'] };
  before(async () => {
    await sites.start();
    SHOP = sites.origin('shop.example');
    STRANGER = sites.origin('stranger.example');
    options.env!.ALLOWED_ORIGINS = SHOP;
  });
  after(() => sites.close());
  const stack = demoStackPerSuite(options);

  test("the custom-fetch snippet and its chat-auth.js work on http://shop.example under the CSP recipe", TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage();
    const { snippet, authScript } = await builderOutput(stack(), context, /Signed-in users/);
    serveSite(sites, stack(), SHOP, snippet, authScript, await demoUserToken(stack(), 'Grace Hopper'));
    const problems = watchPageProblems(page);
    await page.goto(`${SHOP}/`);
    assert.equal(await chat(page, 'Do you ship to Lisbon?'), 'Hello from the scripted model!');
    assert.deepEqual(problems.list(), [], 'nothing blocked by the CSP, no script error');
    await context.close();
  });

  test('the same snippet without its domain-key is refused on that host, so the builder has to write it', TEST_TIMEOUT, async () => {
    const { context, page } = await stack().newPage();
    const { snippet, authScript } = await builderOutput(stack(), context, /Signed-in users/);
    serveSite(sites, stack(), SHOP, snippet.replace(/\n\s*domain-key="[^"]*"/, ''), authScript, 'unused');
    await page.goto(`${SHOP}/`);
    assert.match(await widgetMessage(page), /domain-key is required on this host/);
    await context.close();
  });

  for (const [mode, label] of [
    [/Signed-in users/, 'custom-fetch'],
    [/Hosted workflow/, 'client-secret'],
  ] as const)
    test(`a ${label} page on an origin missing from ALLOWED_ORIGINS says the site is not allowed, not that the server cannot be reached`, TEST_TIMEOUT, async () => {
      const { context, page } = await stack().newPage();
      const { snippet, authScript } = await builderOutput(stack(), context, mode);
      serveSite(sites, stack(), STRANGER, snippet, authScript, await demoUserToken(stack(), 'Mallory'));
      await page.addInitScript(() => {
        const seen: unknown[] = ((window as unknown as { ckwErrors: unknown[] }).ckwErrors = []);
        document.addEventListener('ckw-error', (event) => seen.push((event as CustomEvent).detail));
      });
      await page.goto(`${STRANGER}/`);
      await page.waitForFunction(() => (window as unknown as { ckwErrors: unknown[] }).ckwErrors.length > 0);
      const [refusal] = await page.evaluate(() => (window as unknown as { ckwErrors: { code: string; status?: number; reason?: string }[] }).ckwErrors);
      assert.deepEqual({ code: refusal!.code, status: refusal!.status, reason: refusal!.reason }, { code: 'forbidden', status: 403, reason: 'origin_not_allowed' });
      const shown = await widgetMessage(page);
      assert.match(shown, /This site is not allowed to use this chat\./);
      assert.doesNotMatch(shown, /cannot be reached/);
      await context.close();
    });
});
