/**
 * What a person does on a demo page (sign in; chat through the ChatKit stand-in's UI, found through the widget's
 * open shadow root) and what they would see: the messages, the thread being shown, the threads listed.
 */
import type { Locator, Page } from 'playwright-core';

export const REPLY_TIMEOUT_MS = 15_000;

export function chatkit(scope: Page | Locator): Locator {
  return scope.locator('openai-chatkit');
}

/** Types a message, sends it, and waits until the assistant's answer has finished streaming; returns its text. */
export async function chat(scope: Page | Locator, text: string): Promise<string> {
  const frame = chatkit(scope);
  const answered = await frame.locator('[data-role="assistant"][data-done="true"]').count();
  await frame.getByTestId('standin-input').fill(text);
  await frame.getByTestId('standin-send').click();
  const answer = frame.locator('[data-role="assistant"][data-done="true"]').nth(answered);
  await answer.waitFor({ timeout: REPLY_TIMEOUT_MS });
  return (await answer.textContent()) ?? '';
}

/** The id of the thread the chat shows, once it shows one. */
export async function shownThreadId(scope: Page | Locator): Promise<string> {
  const showing = scope.locator('openai-chatkit[data-thread-id]:not([data-thread-id=""])');
  await showing.waitFor({ timeout: REPLY_TIMEOUT_MS });
  return (await showing.getAttribute('data-thread-id')) ?? '';
}

/** The thread ids in the chat's history list, after it has been loaded. */
export async function listedThreadIds(scope: Page | Locator): Promise<string[]> {
  await chatkit(scope).locator('[data-testid="standin-history"][data-loaded]').waitFor({ state: 'attached' });
  return chatkit(scope).locator('[data-testid="standin-history"] li').evaluateAll((items) => items.map((item) => item.getAttribute('data-thread-id') ?? ''));
}

/** The texts of the messages shown, as `user: …` / `assistant: …`. */
export async function shownMessages(scope: Page | Locator): Promise<string[]> {
  return chatkit(scope)
    .locator('.message')
    .evaluateAll((items) => items.map((item) => `${item.getAttribute('data-role')}: ${item.textContent}`));
}

/** Signs in on a signed-in demo page's form and waits for the page to say so. */
export async function signIn(page: Page, name: string): Promise<void> {
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(`Signed in as ${name}`).waitFor();
}
