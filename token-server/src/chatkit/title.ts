/**
 * Thread titles are derived deterministically from the first user message (no extra model call: no added
 * latency or cost, and nothing a prompt can steer).
 */
import type { UserMessageItem } from './protocol/types.js';

const MAX_TITLE_LENGTH = 60;

function userMessageText(item: UserMessageItem): string {
  return item.content.map((part) => part.text).join(' ');
}

export function titleFromMessage(item: UserMessageItem): string {
  const text = userMessageText(item).replace(/\s+/g, ' ').trim();
  if (text.length === 0) return 'New chat';
  if (text.length <= MAX_TITLE_LENGTH) return text;
  const cut = text.slice(0, MAX_TITLE_LENGTH - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > MAX_TITLE_LENGTH / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}
