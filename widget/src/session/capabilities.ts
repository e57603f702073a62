/**
 * What a custom backend offers ChatKit's composer, read once per backend from `GET <api url>/capabilities`
 * (this project's token server answers it) and turned into ChatKit's `composer` options: attachments (uploaded
 * two-phase), dictation, the model picker and composer tools. A backend that does not answer leaves the
 * composer as it is: the chat works without these, so the failure is logged once and never shown.
 */
import type { ChatKitOptions, ToolOption } from '@openai/chatkit';

type Composer = NonNullable<ChatKitOptions['composer']>;

interface Capabilities {
  attachments?: { enabled?: boolean; accept?: string[]; max_size?: number; max_count?: number };
  dictation?: { enabled?: boolean };
  models?: { id: string; label: string; default?: boolean }[];
  tools?: { id: string; label: string; icon?: string; short_label?: string; placeholder_override?: string; pinned?: boolean }[];
}

/** What a slow backend may cost the first render before the chat shows without these options. */
const TIMEOUT_MS = 3_000;

/** File pickers filter by extension too (chatkit-js takes `showOpenFilePicker`'s accept map). */
const EXTENSIONS: Record<string, string[]> = {
  'image/*': ['.png', '.jpg', '.jpeg', '.gif', '.webp'],
  'image/png': ['.png'],
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/gif': ['.gif'],
  'image/webp': ['.webp'],
  'application/pdf': ['.pdf'],
  'text/plain': ['.txt'],
  'text/markdown': ['.md'],
  'text/csv': ['.csv'],
  'application/json': ['.json'],
};

/** The composer options the capabilities turn on; empty when nothing is on. */
export function composerOptions(capabilities: Capabilities): Composer {
  const composer: Composer = {};
  const { attachments, dictation, models, tools } = capabilities;
  if (attachments?.enabled) {
    composer.attachments = {
      enabled: true,
      ...(attachments.accept?.length && { accept: Object.fromEntries(attachments.accept.map((type) => [type, EXTENSIONS[type] ?? []])) }),
      ...(attachments.max_size && { maxSize: attachments.max_size }),
      ...(attachments.max_count && { maxCount: attachments.max_count }),
    };
  }
  if (dictation?.enabled) composer.dictation = { enabled: true };
  if (models?.length) composer.models = models.map(({ id, label, default: isDefault }) => ({ id, label, ...(isDefault && { default: true }) }));
  if (tools?.length)
    composer.tools = tools.map((tool) => ({
      id: tool.id,
      label: tool.label,
      icon: (tool.icon ?? 'cube') as ToolOption['icon'],
      ...(tool.short_label && { shortLabel: tool.short_label }),
      ...(tool.placeholder_override && { placeholderOverride: tool.placeholder_override }),
      ...(tool.pinned && { pinned: true }),
    }));
  return composer;
}

const reads = new Map<string, Promise<Composer>>();

async function read(apiUrl: string): Promise<Composer> {
  const url = `${apiUrl.replace(/\/+$/, '')}/capabilities`;
  try {
    const res = await fetch(url, { credentials: 'omit', signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return composerOptions((await res.json()) as Capabilities);
  } catch (error) {
    console.warn(`<chat-kit-widget>: ${url} did not say what the backend offers (${(error as Error)?.message ?? error}); the composer keeps its own options.`);
    return {};
  }
}

/** The composer options a custom backend's capabilities turn on, read once per page and backend. */
export function backendComposer(apiUrl: string): Promise<Composer> {
  let found = reads.get(apiUrl);
  if (!found) reads.set(apiUrl, (found = read(apiUrl)));
  return found;
}
