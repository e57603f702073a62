/**
 * Starts downloading ChatKit's script while the lazy chunk downloads. The chunk injects the real
 * `<script>` (and owns its errors and timeout); the browser then reuses this preloaded response, so the
 * two downloads overlap instead of one waiting for the other.
 */
const preloaded = new Set<string>();

export function preloadChatKitScript(src: string, nonce: string | undefined): void {
  if (preloaded.has(src) || customElements.get('openai-chatkit') || Array.from(document.scripts).some((s) => s.src === src)) return;
  preloaded.add(src);
  const link = document.createElement('link');
  link.rel = 'preload';
  link.as = 'script';
  link.href = src;
  if (nonce) link.nonce = nonce;
  document.head.append(link);
}
