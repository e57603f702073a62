/**
 * What the token server can do right now, from its `/readyz`, and how the demo pages say it: every feature a
 * page needs that is off gets a sentence naming the variables that turn it on.
 */
export interface Feature {
  on: boolean;
  enable?: string;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, 'ok' | 'failing'>;
  features: Record<string, Feature>;
}

/** The demo's names for what a page needs, mapped to the token server's feature names. */
export const NEEDS = {
  replies: { feature: 'custom_backend_model', label: 'Chat replies' },
  auth: { feature: 'user_auth', label: 'Signed-in users' },
  hosted: { feature: 'hosted_sessions', label: 'Hosted sessions' },
  public: { feature: 'public_access', label: 'Public visitors' },
  tools: { feature: 'agent_tools', label: 'Agent tools' },
} as const;

export type Need = keyof typeof NEEDS;

export async function readReadiness(): Promise<Readiness | undefined> {
  try {
    // 503 still carries the body: the server answers but something it depends on is failing.
    const response = await fetch('/readyz', { cache: 'no-store' });
    const body = (await response.json()) as Partial<Readiness>;
    if (!body.features || !body.checks) return undefined;
    return body as Readiness;
  } catch {
    return undefined;
  }
}

export function parseNeeds(value: string | undefined): Need[] {
  return (value ?? '').split(/\s+/).filter((name): name is Need => name in NEEDS);
}

export interface MissingFeature {
  label: string;
  /** What turns it on, e.g. "set OPENAI_API_KEY and CHATKIT_WORKFLOW_ID". */
  enable: string;
}

/** Each feature the needs name that is off, with what turns it on. */
export function missingFor(readiness: Readiness, needs: Need[]): MissingFeature[] {
  return needs.flatMap((need) => {
    const { feature, label } = NEEDS[need];
    const state = readiness.features[feature];
    if (!state || state.on) return [];
    return [{ label, enable: state.enable ?? 'see the README' }];
  });
}

/** The full sentence a page shows, e.g. "Hosted sessions are off: set OPENAI_API_KEY and CHATKIT_WORKFLOW_ID in .env …". */
export function missingSentence({ label, enable }: MissingFeature): string {
  return `${label} are off: ${enable}, in .env or the environment, then restart npm start.`;
}

export function failingChecks(readiness: Readiness): string[] {
  return Object.entries(readiness.checks)
    .filter(([, result]) => result === 'failing')
    .map(([name]) => name.replace(/_/g, ' '));
}

export const UNREACHABLE = 'The token server did not answer /readyz. Is npm start still running?';

/** Fills every `[data-status-notice]` on the page with what its chat needs and is missing; hidden when nothing is. */
export async function showStatusNotices(): Promise<Readiness | undefined> {
  const notices = [...document.querySelectorAll<HTMLElement>('[data-status-notice]')];
  const readiness = await readReadiness();
  for (const notice of notices) {
    const lines = readiness
      ? [
          ...missingFor(readiness, parseNeeds(notice.dataset.statusNotice)).map(missingSentence),
          ...failingChecks(readiness).map((check) => `The server's ${check} check is failing; see its log.`),
        ]
      : [UNREACHABLE];
    notice.replaceChildren(...lines.map((line) => Object.assign(document.createElement('p'), { textContent: line })));
    notice.dataset.state = readiness ? 'off' : 'error';
    notice.hidden = lines.length === 0;
  }
  return readiness;
}
