/**
 * The page's side of the demo identity provider, shaped like Better Auth's client: the session, a JWT for it,
 * sign in with a name, sign out. The session cookie is HttpOnly; only the short-lived JWT reaches the page.
 */
export interface DemoUser {
  id: string;
  name: string;
}

interface ErrorBody {
  error?: { code?: string; message?: string };
}

const JSON_POST = { method: 'POST', headers: { 'content-type': 'application/json' } } as const;

async function errorMessage(response: Response): Promise<string> {
  const body = (await response.json().catch(() => ({}))) as ErrorBody;
  return body.error?.message ?? `The sign-in server answered ${response.status}.`;
}

export async function getSession(): Promise<DemoUser | null> {
  const response = await fetch('/api/auth/get-session', { cache: 'no-store' });
  if (!response.ok) throw new Error(await errorMessage(response));
  const body = (await response.json()) as { user: DemoUser } | null;
  return body?.user ?? null;
}

/** A fresh JWT for the signed-in user, or null when nobody is signed in. */
export async function getToken(): Promise<string | null> {
  const response = await fetch('/api/auth/token', { cache: 'no-store' });
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(await errorMessage(response));
  return ((await response.json()) as { token: string }).token;
}

export async function signIn(name: string): Promise<DemoUser> {
  const response = await fetch('/api/auth/sign-in/name', { ...JSON_POST, body: JSON.stringify({ name }) });
  if (!response.ok) throw new Error(await errorMessage(response));
  return ((await response.json()) as { user: DemoUser }).user;
}

export async function signOut(): Promise<void> {
  const response = await fetch('/api/auth/sign-out', { ...JSON_POST, body: '{}' });
  if (!response.ok) throw new Error(await errorMessage(response));
}

/** A JWT's header and claims for display; the signature stays unread (the server verifies). */
export function decodeJwt(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const part = (index: number) => JSON.parse(atob((token.split('.')[index] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
  return { header: part(0), claims: part(1) };
}
