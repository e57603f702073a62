/** Which tool results are ChatKit widgets: a `Card`, `ListView` or `Basic` root of bounded size. */
import type { WidgetRoot } from './types.js';

const ROOT_TYPES = new Set(['Card', 'ListView', 'Basic']);
/** A widget is for reading at a glance; anything this big is a tool bug, not a widget. */
const MAX_WIDGET_JSON = 64 * 1024;

export function asWidgetRoot(value: unknown): WidgetRoot | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !ROOT_TYPES.has(type)) return undefined;
  if (JSON.stringify(value).length > MAX_WIDGET_JSON) return undefined;
  return value as WidgetRoot;
}
