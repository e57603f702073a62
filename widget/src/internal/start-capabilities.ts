/**
 * Asks a custom backend what its composer offers (`GET <api url>/capabilities`) as soon as the lazy chunk is asked
 * for, so the answer downloads beside the chunk instead of after it has run: ChatKit's first options wait for it.
 * The body is read here too: read by the chunk, it would arrive a task later, and the browser may draw a frame
 * before ChatKit gets its options. Once per page and URL. The chunk gets this request through its `WidgetView` and
 * owns what the answer means (`session/capabilities.ts`).
 */

/** `apiUrl` without a trailing slash (as `readConfig` gives it). */
export const capabilitiesUrl = (apiUrl: string): string => `${apiUrl}/capabilities`;

/** What a slow backend may cost the first render before the chat shows without these options. */
const TIMEOUT_MS = 3_000;

const started: Record<string, Promise<unknown>> = {};

/**
 * The answer's parsed JSON, or the error the request failed with (a refusal is `HTTP <status>`; resolved, not
 * rejected: if the chunk never arrives, nobody is left to hear it).
 */
export const startCapabilities = (apiUrl: string): Promise<unknown> =>
  (started[apiUrl] ??= fetch(capabilitiesUrl(apiUrl), { credentials: 'omit', signal: AbortSignal.timeout(TIMEOUT_MS) })
    .then((res) => (res.ok ? res.json() : Error(`HTTP ${res.status}`)))
    .catch((error: Error) => error));
