/**
 * Attachments as the model receives them, per model API: on the Responses API images are image input and every
 * other file is file input (a data URL); on Chat Completions images are `image_url` parts and text files are text,
 * and a file it cannot take (a PDF) is refused before any model call with a message saying so.
 */
import type { protocol } from '@openai/agents';
import type { Attachment } from '../protocol/types.js';
import { isImageType } from './attachment-service.js';
import { contentRule } from './content-check.js';

export type ModelApi = 'responses' | 'chat_completions';

/** The loaded bytes of the attachments in the conversation, by id. */
export type AttachmentBytes = ReadonlyMap<string, Buffer>;

/** Why `api` cannot take these attachments, or undefined when it can. */
export function unsupportedForModel(api: ModelApi, attachments: { name: string; mimeType: string }[]): string | undefined {
  if (api === 'responses') return undefined;
  const refused = attachments.find((file) => !isImageType(file.mimeType) && contentRule(file.mimeType) !== 'utf8');
  return refused && `The configured model API (Chat Completions) cannot read "${refused.name}" (${refused.mimeType}); send images or text files.`;
}

/** One attachment as a model content part; a short note when its bytes were left out (over the budget, or gone). */
export function attachmentContent(api: ModelApi, attachment: Attachment, bytes: Buffer | undefined): protocol.UserContent {
  if (!bytes) return { type: 'input_text', text: `[Attached file "${attachment.name}" (${attachment.mime_type}) is no longer available to read.]` };
  const dataUrl = `data:${attachment.mime_type};base64,${bytes.toString('base64')}`;
  if (isImageType(attachment.mime_type)) return { type: 'input_image', image: dataUrl };
  if (api === 'chat_completions') return { type: 'input_text', text: `[Attached file "${attachment.name}"]\n${bytes.toString('utf8')}` };
  return { type: 'input_file', file: dataUrl, filename: attachment.name };
}

/** Bytes kept in memory for one reply's attachments; the newest attachments come first, older ones become a note. */
export const MODEL_ATTACHMENT_BUDGET_BYTES = 32 * 1024 * 1024;

/** Reads the bytes of `attachments` (newest last) within the budget; a file that cannot be read is left out. */
export async function loadAttachmentBytes(
  attachments: Attachment[],
  read: (attachmentId: string) => Promise<Buffer>,
  budgetBytes = MODEL_ATTACHMENT_BUDGET_BYTES,
): Promise<AttachmentBytes> {
  const loaded = new Map<string, Buffer>();
  let used = 0;
  for (const attachment of [...attachments].reverse()) {
    const bytes = await read(attachment.id).catch(() => undefined);
    if (!bytes || used + bytes.length > budgetBytes) continue;
    used += bytes.length;
    loaded.set(attachment.id, bytes);
  }
  return loaded;
}
