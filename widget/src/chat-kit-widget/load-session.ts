/**
 * The one door to the lazy chunk. In the script-tag build this `import()` is rewritten to fetch the chunk
 * file that sits next to the loader; bundlers split it as they like.
 */
export type SessionModule = typeof import('../session/index.js');

export const loadSessionModule = (): Promise<SessionModule> => import('../session/index.js');
