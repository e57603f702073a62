/** Types for chromium.mjs, so TypeScript test code can import it directly. */
export declare const CHROMIUM_ARGS: string[];
export declare function findChromium(): string | undefined;
export declare function ensureChromium(): string;
