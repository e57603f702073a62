/**
 * The script-tag file that defined the element, read while that file runs (`currentScript` is null afterwards
 * and for ES modules). The default token server is its origin, and its `data-*` attributes may ask for a widget
 * (see auto-mount.ts); bundler users get `location.origin` and no auto-mount.
 */
const current = typeof document === 'undefined' ? null : document.currentScript;

export const loaderScript: HTMLScriptElement | null = current instanceof HTMLScriptElement && current.src ? current : null;

export const loaderScriptUrl: string | undefined = loaderScript?.src;
