/**
 * The URL of the script-tag file that defined the element, read while that file runs (`currentScript` is null
 * afterwards and for ES modules). The default token server is its origin; bundler users get `location.origin`.
 */
const current = typeof document === 'undefined' ? null : document.currentScript;

export const loaderScriptUrl: string | undefined = current instanceof HTMLScriptElement && current.src ? current.src : undefined;
