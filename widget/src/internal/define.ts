/**
 * Registers a custom element only when its tag is free. CMS pages include the same script twice, or two
 * plugins ship different copies: the second definition must never throw, and a different version gets one
 * console warning naming both versions (the first copy keeps the tag).
 */
export interface VersionedElement extends CustomElementConstructor {
  readonly version: string;
}

const warned = new Set<string>();

export function safeDefine(tag: string, element: VersionedElement): void {
  const existing = customElements.get(tag) as Partial<VersionedElement> | undefined;
  if (!existing) {
    customElements.define(tag, element);
    return;
  }
  if (existing === element || existing.version === element.version || warned.has(tag)) return;
  warned.add(tag);
  console.warn(
    `<${tag}> is already defined by version ${existing.version ?? 'unknown'}; this copy (${element.version}) is not used.`,
  );
}
