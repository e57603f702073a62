/** What a page did wrong that a visitor would not see but a developer must: script errors and CSP violations. */
import type { Page } from 'playwright-core';

export function watchPageProblems(page: Page): { list(): string[] } {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  return { list: () => [...problems] };
}
