/**
 * Builds the loader's small, fixed shadow DOM without a template engine (lit-html alone would take 3 KB of
 * the loader's 8 KB budget) and without innerHTML, so pages enforcing Trusted Types are fine too.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  return fill(document.createElement(tag), attributes, children);
}

function fill<E extends Element>(element: E, attributes: Record<string, string>, children: (Node | string)[]): E {
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

const svg = (tag: string, attributes: Record<string, string>, ...children: Node[]) =>
  fill(document.createElementNS('http://www.w3.org/2000/svg', tag), attributes, children);

/**
 * The launcher's icon, painted by the styles: a speech bubble with three dots cut out (shown while closed) and an
 * X (while open).
 */
export const launcherIcon = () =>
  svg(
    'svg',
    { viewBox: '0 0 24 24', 'aria-hidden': 'true' },
    svg('path', { class: 'bubble', d: 'M5 3h14a3 3 0 013 3v9a3 3 0 01-3 3h-8l-5 4v-4H5a3 3 0 01-3-3V6a3 3 0 013-3zM8 9.2a1.3 1.3 0 100 2.6 1.3 1.3 0 000-2.6zm4 0a1.3 1.3 0 100 2.6 1.3 1.3 0 000-2.6zm4 0a1.3 1.3 0 100 2.6 1.3 1.3 0 000-2.6z' }),
    svg('path', { class: 'x', d: 'M6 6l12 12M18 6L6 18' }),
  );
