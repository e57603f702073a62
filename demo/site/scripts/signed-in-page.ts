/**
 * The signed-in pages (`custom-fetch`, `client-secret`): a sign-in form until someone signs in, then the widget
 * with `getAuthToken` asking the demo identity provider for a JWT. Signing out calls the widget's `reset()`, so
 * the next person on this browser starts clean.
 */
import { decodeJwt, getSession, getToken, signIn, signOut, type DemoUser } from './demo-auth-client.js';
import { required } from './dom.js';
import { showStatusNotices } from './server-status.js';

const slot = required<HTMLElement>('[data-chat-slot]');
const template = required<HTMLTemplateElement>('[data-widget-template]');
const form = required<HTMLFormElement>('[data-sign-in-form]');
const formError = required<HTMLElement>('[data-sign-in-error]');
const accountBar = required<HTMLElement>('[data-account-bar]');
const claimsBox = document.querySelector<HTMLElement>('[data-claims]');

function showClaims(token: string): void {
  if (!claimsBox) return;
  const { header, claims } = decodeJwt(token);
  const rows: [string, unknown][] = [
    ['alg', header.alg],
    ['kid', header.kid],
    ['sub', claims.sub],
    ['iss', claims.iss],
    ['aud', claims.aud],
    ['expires', typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toLocaleTimeString() : undefined],
  ];
  const list = required<HTMLElement>('[data-claims-list]');
  list.replaceChildren(
    ...rows.flatMap(([name, value]) => [
      Object.assign(document.createElement('dt'), { textContent: name }),
      Object.assign(document.createElement('dd'), { textContent: String(value ?? '—') }),
    ]),
  );
  claimsBox.hidden = false;
}

async function tokenForWidget(): Promise<string | null> {
  const token = await getToken();
  if (token) showClaims(token);
  return token;
}

function showSignedIn(user: DemoUser): void {
  required<HTMLElement>('[data-user-name]').textContent = user.name;
  required<HTMLElement>('[data-user-initial]').textContent = user.name.slice(0, 1).toUpperCase();
  accountBar.hidden = false;
  form.hidden = true;
  const fragment = template.content.cloneNode(true) as DocumentFragment;
  const widget = fragment.querySelector('chat-kit-widget');
  if (!widget) throw new Error('the widget template has no <chat-kit-widget>');
  // Set before the element connects, so its first token request already goes through the page.
  widget.getAuthToken = tokenForWidget;
  slot.append(fragment);
}

function showSignedOut(): void {
  accountBar.hidden = true;
  form.hidden = false;
  if (claimsBox) claimsBox.hidden = true;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  formError.hidden = true;
  const name = String(new FormData(form).get('name') ?? '');
  try {
    showSignedIn(await signIn(name));
  } catch (error) {
    formError.textContent = (error as Error).message;
    formError.hidden = false;
  }
});

required<HTMLButtonElement>('[data-sign-out]').addEventListener('click', async () => {
  await signOut();
  const widget = slot.querySelector('chat-kit-widget');
  if (widget) {
    // reset() forgets this user's remembered thread and cached tokens, so whoever uses this browser next starts
    // clean; it runs while the widget is still on the page (a removed widget has nothing to reset).
    await widget.reset();
    widget.remove();
  }
  showSignedOut();
});

void showStatusNotices();
try {
  const user = await getSession();
  if (user) showSignedIn(user);
  else showSignedOut();
} catch (error) {
  showSignedOut();
  formError.textContent = `Could not reach the sign-in server: ${(error as Error).message}`;
  formError.hidden = false;
}
