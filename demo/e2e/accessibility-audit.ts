/**
 * An accessibility audit with axe-core, run inside the page the test drives. axe is evaluated through the
 * browser's DevTools protocol, so the page's strict CSP stays in force for everything else. The ChatKit stand-in
 * is left out: in production that UI is OpenAI's frame, not ours.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Each serious or critical violation axe finds, as `rule: help (where)`. */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
    const results = await axe.run(
      { exclude: [{ fromShadowDom: ['chat-kit-widget', 'openai-chatkit'] }] },
      { resultTypes: ['violations'] },
    );
    return results.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => JSON.stringify(node.target)).join(', ')})`);
  });
}
