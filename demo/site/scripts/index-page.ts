/**
 * The overview: the server's features as a list, and on each page card whether it works right now. What it says
 * comes from the running server: /readyz for what is on, and the configuration the demo server rendered into the
 * page for whom it lets in.
 */
import type { ServerSettings } from './embed-snippet.js';
import { failingChecks, missingFor, NEEDS, parseNeeds, readReadiness, UNREACHABLE, type Need, type Readiness } from './server-status.js';
import { readServerSettings } from './server-settings.js';

type FeatureState = 'on' | 'off' | 'limited' | 'error';

/** What follows a feature's name for each state ('limited': on, but not for every demo page). */
const NAME_SUFFIX: Record<FeatureState, string> = { on: '', off: ' (off)', limited: ' (not from every page)', error: '' };

interface FeatureText {
  state: 'on' | 'limited';
  detail: string;
}

/** Whether the demo's publishable key works from this page and from the other-origin page, as configured. */
function publicAccessText({ publicKeys }: ServerSettings, pages: { origin: string; name: string }[]): FeatureText {
  const entry = publicKeys[0]!;
  const refused = pages.filter(({ origin }) => !entry.origins.includes(origin));
  if (!refused.length) return { state: 'on', detail: `On: ${entry.key} works from ${pages.map(({ name }) => name).join(' and from ')}.` };
  return {
    state: 'limited',
    detail: `On, but ${entry.key} does not list ${refused.map(({ origin }) => origin).join(' or ')}, so ${refused.map(({ name }) => name).join(' and ')} ${refused.length > 1 ? 'are' : 'is'} refused (403 origin_not_allowed). Add ${refused.length > 1 ? 'them' : 'it'} to its origins in PUBLIC_KEYS; the builder writes the whole value.`,
  };
}

function onText(need: Need, settings: ServerSettings, secondOrigin: string): FeatureText {
  switch (need) {
    case 'replies':
      return { state: 'on', detail: 'On: the ChatKit backend answers with the configured model.' };
    case 'auth':
      return settings.demoSignIn
        ? { state: 'on', detail: "On: user JWTs are verified against the demo sign-in's key set (EdDSA tokens, as Better Auth issues)." }
        : { state: 'on', detail: "On, with your AUTH_* settings: the demo sign-in's tokens are refused, so the signed-in pages need your own sign-in." };
    case 'hosted':
      return { state: 'on', detail: 'On: the server starts and refreshes hosted ChatKit sessions for your workflow.' };
    case 'tools':
      return { state: 'on', detail: 'On: the agent has tools (npm start gives it the demo to-do list: try "add buy milk to my list" on the Signed-in page).' };
    case 'public':
      return publicAccessText(settings, [
        { origin: location.origin, name: 'this page' },
        { origin: secondOrigin, name: 'the other-origin page' },
      ]);
  }
}

function howToEnable(enable = 'see the README'): string {
  return `${enable[0]!.toUpperCase()}${enable.slice(1)}, in .env or the environment, then restart npm start.`;
}

function featureItem(state: FeatureState, name: string, detail: string): HTMLLIElement {
  const item = document.createElement('li');
  item.className = 'feature';
  item.dataset.state = state;
  const dot = Object.assign(document.createElement('span'), { className: 'feature__dot' });
  dot.setAttribute('aria-hidden', 'true');
  item.append(
    dot,
    Object.assign(document.createElement('span'), { className: 'feature__name', textContent: `${name}${NAME_SUFFIX[state]}` }),
    Object.assign(document.createElement('span'), { className: 'feature__detail', textContent: detail }),
  );
  return item;
}

function renderFeatures(list: HTMLElement, readiness: Readiness | undefined, settings: ServerSettings): void {
  if (!readiness) {
    list.replaceChildren(featureItem('error', 'Server unreachable', UNREACHABLE));
    return;
  }
  const items = (['public', 'replies', 'auth', 'tools', 'hosted'] as const).map((need) => {
    const { feature, label } = NEEDS[need];
    const state = readiness.features[feature];
    if (!state?.on) return featureItem('off', label, howToEnable(state?.enable));
    const { state: shown, detail } = onText(need, settings, list.dataset.secondOrigin!);
    return featureItem(shown, label, detail);
  });
  for (const check of failingChecks(readiness)) items.push(featureItem('error', `The ${check} check is failing`, 'See the server log for why.'));
  list.replaceChildren(...items);
}

function renderCards(readiness: Readiness | undefined): void {
  for (const card of document.querySelectorAll<HTMLElement>('[data-needs]')) {
    const note = card.querySelector<HTMLElement>('[data-note]');
    if (!note) continue;
    // Short on a card; the feature list above has the whole sentence.
    const missing = readiness ? missingFor(readiness, parseNeeds(card.dataset.needs)).map(({ label, enable }) => `${label} off: ${enable}.`) : [UNREACHABLE];
    note.dataset.state = missing.length ? 'off' : 'on';
    note.textContent = missing.length ? missing.join(' ') : 'Ready to try.';
  }
}

const readiness = await readReadiness();
const list = document.querySelector<HTMLElement>('[data-feature-list]');
if (list) renderFeatures(list, readiness, readServerSettings());
renderCards(readiness);
