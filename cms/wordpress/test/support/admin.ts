/** What an administrator does in wp-admin, in Chromium: sign in, open the plugin's settings, publish a page. */
import type { Page } from 'playwright-core';
import { ADMIN } from './playground.js';

export async function signInAsAdmin(page: Page, site: string): Promise<void> {
  await page.goto(`${site}/wp-login.php`);
  await page.locator('#user_login').fill(ADMIN.user);
  await page.locator('#user_pass').fill(ADMIN.password);
  await page.locator('#wp-submit').click();
  await page.waitForURL(/\/wp-admin\//);
}

export function settingsUrl(site: string): string {
  return `${site}/wp-admin/options-general.php?page=chat-kit-widget`;
}

export interface SettingsInput {
  /** Text fields by label. */
  text?: Record<string, string>;
  /** Drop-downs by label: the option's value. */
  select?: Record<string, string>;
  launcher?: boolean;
  /** Submit what the browser's own checks (type="url") would stop, as a forged or old client could. */
  skipBrowserChecks?: boolean;
}

/** Fills the plugin's settings form (only the fields given) and submits it; returns the notices WordPress showed. */
export async function saveSettings(page: Page, site: string, fields: SettingsInput): Promise<string[]> {
  await page.goto(settingsUrl(site));
  for (const [label, value] of Object.entries(fields.text ?? {})) await page.getByLabel(label, { exact: true }).fill(value);
  for (const [label, value] of Object.entries(fields.select ?? {})) await page.getByLabel(label, { exact: true }).selectOption(value);
  if (fields.launcher !== undefined) await page.getByLabel('Show a chat button on every page').setChecked(fields.launcher);
  const form = page.locator('form[action$="options.php"]');
  if (fields.skipBrowserChecks) await form.evaluate((element: HTMLFormElement) => (element.noValidate = true));
  const invalid = await form.evaluate((element: HTMLFormElement) => [...element.querySelectorAll<HTMLInputElement>(':invalid')].map((input) => `${input.name}: ${input.validationMessage}`));
  if (invalid.length && !fields.skipBrowserChecks) throw new Error(`the browser would not submit the form: ${invalid.join('; ')}`);
  // Listening before the click: wp-admin's script soon drops `settings-updated` from the address (replaceState),
  // so a wait that starts after a quick answer would never see it. The notices are in the HTML.
  await Promise.all([
    page.waitForURL(/settings-updated=true/, { waitUntil: 'domcontentloaded' }),
    page.getByRole('button', { name: 'Save Changes' }).click(),
  ]);
  return page.locator('.notice, .updated, .error').allTextContents().then((texts) => texts.map((text) => text.trim()).filter(Boolean));
}

/** Publishes a page through the REST API, from the signed-in administrator's browser (cookie + REST nonce). */
export async function publishPage(page: Page, site: string, title: string, content: string): Promise<string> {
  return page.evaluate(
    async ({ site, title, content }) => {
      const nonce = await (await fetch(`${site}/wp-admin/admin-ajax.php?action=rest-nonce`)).text();
      const response = await fetch(`${site}/wp-json/wp/v2/pages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wp-nonce': nonce },
        body: JSON.stringify({ title, content, status: 'publish' }),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(`publishing failed: ${response.status} ${JSON.stringify(body)}`);
      return body.link as string;
    },
    { site, title, content },
  );
}
