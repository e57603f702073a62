/**
 * What a custom backend offers ChatKit's composer, read once per backend from `GET <api url>/capabilities`
 * (this project's token server answers it) and turned into ChatKit's `composer` options: attachments (uploaded
 * two-phase), dictation, the model picker and composer tools. A backend that does not answer leaves the
 * composer as it is: the chat works without these, so the failure is logged once and never shown.
 * The request itself is the loader's (`internal/start-capabilities.ts`, started with the chunk's download).
 */
import type { ChatKitOptions, ToolOption } from '@openai/chatkit';
import { capabilitiesUrl } from '../internal/start-capabilities.js';

type Composer = NonNullable<ChatKitOptions['composer']>;

interface Capabilities {
  attachments?: { enabled?: boolean; accept?: string[]; max_size?: number; max_count?: number };
  dictation?: { enabled?: boolean };
  models?: { id: string; label: string; default?: boolean }[];
  tools?: { id: string; label: string; icon?: string; short_label?: string; placeholder_override?: string; pinned?: boolean }[];
}

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

/**
 * The loader's `startCapabilities`: the request for `<api url>/capabilities`, started once per page and URL; its
 * parsed body, or the error it failed with.
 */
export type CapabilitiesRequest = (apiUrl: string) => Promise<unknown>;

/** By api URL without its trailing slashes, as the loader keeps its requests: each answer is read (and warned about) once. */
const reads = new Map<string, Promise<Composer>>();

async function read(apiUrl: string, request: CapabilitiesRequest): Promise<Composer> {
  try {
    const answer = await request(apiUrl);
    if (answer instanceof Error) throw answer;
    return composerOptions(answer as Capabilities);
  } catch (error) {
    console.warn(`<chat-kit-widget>: ${capabilitiesUrl(apiUrl)} did not say what the backend offers (${(error as Error)?.message ?? error}); the composer keeps its own options.`);
    return {};
  }
}

/** The composer options a custom backend's capabilities turn on, read once per page and backend. */
export function backendComposer(apiUrl: string, request: CapabilitiesRequest): Promise<Composer> {
  const base = apiUrl.replace(/\/+$/, '');
  let found = reads.get(base);
  if (!found) reads.set(base, (found = read(base, request)));
  return found;
}
