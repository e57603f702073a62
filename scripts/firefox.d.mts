/** Types for firefox.mjs, so TypeScript test code can import it directly. */
export declare const FIREFOX_PREFS: Record<string, boolean | number | string>;
export declare function findFirefox(): string | undefined;
export declare function ensureFirefox(): string;
