/** The overview: the server's features as a list, and on each page card whether it works right now. */
import { failingChecks, missingFor, NEEDS, parseNeeds, readReadiness, UNREACHABLE, type Need, type Readiness } from './server-status.js';

const ON_TEXT: Record<Need, string> = {
  replies: 'On: the ChatKit backend answers with the configured model.',
  auth: 'On: user JWTs are verified against the configured key set (the demo sign-in issues EdDSA tokens).',
  hosted: 'On: the server starts and refreshes hosted ChatKit sessions for your workflow.',
  public: 'On: the demo publishable key works from this site and the other-origin page.',
  tools: 'On: the agent has tools (npm start gives it the demo to-do list: try "add buy milk to my list" on the Signed-in page).',
};

function howToEnable(enable = 'see the README'): string {
  return `${enable[0]!.toUpperCase()}${enable.slice(1)}, in .env or the environment, then restart npm start.`;
}

function featureItem(state: 'on' | 'off' | 'error', name: string, detail: string): HTMLLIElement {
  const item = document.createElement('li');
  item.className = 'feature';
  item.dataset.state = state;
  const dot = Object.assign(document.createElement('span'), { className: 'feature__dot' });
  dot.setAttribute('aria-hidden', 'true');
  item.append(
    dot,
    Object.assign(document.createElement('span'), { className: 'feature__name', textContent: `${name}${state === 'on' ? '' : state === 'off' ? ' (off)' : ''}` }),
    Object.assign(document.createElement('span'), { className: 'feature__detail', textContent: detail }),
  );
  return item;
}

function renderFeatures(list: HTMLElement, readiness: Readiness | undefined): void {
  if (!readiness) {
    list.replaceChildren(featureItem('error', 'Server unreachable', UNREACHABLE));
    return;
  }
  const items = (['public', 'replies', 'auth', 'tools', 'hosted'] as const).map((need) => {
    const { feature, label } = NEEDS[need];
    const state = readiness.features[feature];
    return state?.on
      ? featureItem('on', label, ON_TEXT[need])
      : featureItem('off', label, howToEnable(state?.enable));
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
if (list) renderFeatures(list, readiness);
renderCards(readiness);
