/**
 * Builds the loader's small, fixed shadow DOM without a template engine (lit-html alone would take 3 KB of
 * the loader's 8 KB budget) and without innerHTML, so pages enforcing Trusted Types are fine too.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}
