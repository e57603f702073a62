/**
 * The only React in the widget: one root per element, rendering `<ChatKit>` from `@openai/chatkit-react`.
 * `render` re-renders the same root (chatkit-react re-sends options only when they changed, ignoring
 * function identity); a new `key` replaces the inner `<openai-chatkit>` (new credentials need a fresh one).
 */
import type { ChatKitOptions, OpenAIChatKit } from '@openai/chatkit';
import { ChatKit, useChatKit, type UseChatKitOptions } from '@openai/chatkit-react';
import { useMemo } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';

/** chatkit-react's handler names and the element events they stand for. */
const HANDLED_EVENTS = {
  onReady: 'chatkit.ready',
  onError: 'chatkit.error',
  onEffect: 'chatkit.effect',
  onDeeplink: 'chatkit.deeplink',
  onResponseStart: 'chatkit.response.start',
  onResponseEnd: 'chatkit.response.end',
  onHistoryOpen: 'chatkit.history.open',
  onHistoryClose: 'chatkit.history.close',
  onThreadChange: 'chatkit.thread.change',
  onThreadLoadStart: 'chatkit.thread.load.start',
  onThreadLoadEnd: 'chatkit.thread.load.end',
  onToolChange: 'chatkit.tool.change',
  onLog: 'chatkit.log',
} as const;

export type ChatKitEventName = (typeof HANDLED_EVENTS)[keyof typeof HANDLED_EVENTS];

export interface ChatKitViewProps {
  options: ChatKitOptions;
  onEvent(name: ChatKitEventName, detail: unknown): void;
  onElement(element: OpenAIChatKit | null): void;
}

function ChatKitView({ options, onEvent, onElement }: ChatKitViewProps) {
  const handlers = useMemo(
    () => Object.fromEntries(Object.entries(HANDLED_EVENTS).map(([handler, name]) => [handler, (detail?: unknown) => onEvent(name, detail)])),
    [onEvent],
  );
  const { control } = useChatKit({ ...options, ...handlers } as UseChatKitOptions);
  return <ChatKit control={control} ref={onElement} />;
}

export class ReactMount {
  readonly #root: Root;

  constructor(container: HTMLElement) {
    this.#root = createRoot(container);
  }

  /**
   * Renders now rather than in a scheduler task (which the browser may let a frame go before): ChatKit gets its
   * options in this same task. Never called from inside a React render or effect.
   */
  render(props: ChatKitViewProps, key: number): void {
    flushSync(() => this.#root.render(<ChatKitView key={key} {...props} />));
  }

  unmount(): void {
    this.#root.unmount();
  }
}
