/**
 * Puts ChatKit's script into the page as soon as the lazy chunk is asked for, so the two download and ChatKit
 * defines `<openai-chatkit>` while the chunk is still on its way (the direct React page loads it from `<head>`).
 * The chunk (`session/chatkit-script.ts`) adopts this tag and owns the timeout; a tag that fails before the chunk
 * arrives is removed here, so the chunk finds none and injects a fresh one, which reports the failure.
 */
export function startChatKitScript(src: string, nonce: string | undefined): void {
  if (customElements.get('openai-chatkit') || [...document.scripts].some((s) => s.src === src)) return;
  // A script added by code runs as soon as it arrives, as `async` does.
  const script = document.createElement('script');
  script.src = src;
  if (nonce) script.nonce = nonce;
  script.addEventListener('error', () => script.remove());
  document.head.append(script);
}
