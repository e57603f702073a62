/**
 * Loads ChatKit's CDN script, which alone defines `<openai-chatkit>` (the React package never loads it).
 * Once per page whatever the number of widgets: a tag already in the page with the same src is reused.
 * The `nonce` is forwarded for strict CSPs. If the element is not defined in time, `chatkit_unavailable`.
 */
import { WidgetError } from '../errors.js';

export const DEFAULT_SCRIPT_TIMEOUT_MS = 15_000;

export interface ScriptRequest {
  src: string;
  nonce?: string;
  timeoutMs: number;
}

const loads = new Map<string, Promise<void>>();

export function ensureChatKitScript(request: ScriptRequest): Promise<void> {
  if (customElements.get('openai-chatkit')) return Promise.resolve();
  let load = loads.get(request.src);
  if (!load) {
    load = inject(request);
    loads.set(request.src, load);
    // A failed load is forgotten, so a retry tries again.
    load.catch(() => loads.delete(request.src));
  }
  return load;
}

function inject({ src, nonce, timeoutMs }: ScriptRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    let script = Array.from(document.scripts).find((s) => s.src === src);
    if (!script) {
      script = document.createElement('script');
      script.src = src;
      script.async = true;
      if (nonce) script.nonce = nonce;
      document.head.append(script);
    }
    const tag = script;
    const settle = (error?: WidgetError) => {
      clearTimeout(timer);
      tag.removeEventListener('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onError = () => {
      // Drop the dead tag so a retry injects a fresh one.
      tag.remove();
      settle(new WidgetError('chatkit_unavailable', `ChatKit's script could not be loaded from ${src}.`));
    };
    const timer = setTimeout(
      () => settle(new WidgetError('chatkit_unavailable', `ChatKit's script from ${src} did not define <openai-chatkit> within ${timeoutMs / 1000} s.`)),
      timeoutMs,
    );
    tag.addEventListener('error', onError);
    void customElements.whenDefined('openai-chatkit').then(() => settle());
  });
}
