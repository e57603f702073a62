/**
 * Side-effect entry: importing (or loading) this file defines `<chat-kit-widget>`, safely when it is
 * already defined. The class itself lives in `chat-kit-widget.component.ts` and defines nothing.
 */
import { ChatKitWidget } from './chat-kit-widget/chat-kit-widget.component.js';
import { safeDefine } from './internal/define.js';

export { ChatKitWidget };
export type { ChatKitWidgetEventMap } from './chat-kit-widget/chat-kit-widget.component.js';
export type { WidgetErrorCode, WidgetErrorDetail } from './errors.js';

safeDefine('chat-kit-widget', ChatKitWidget);

declare global {
  interface HTMLElementTagNameMap {
    'chat-kit-widget': ChatKitWidget;
  }
}
