/**
 * What this backend offers ChatKit's composer, as `GET /api/chatkit/capabilities` answers it (design 5.2): uploads,
 * dictation, the model picker and the composer tools. The widget reads it once, so a page need not repeat it. It
 * holds nothing the widget would not show anyway.
 */
import type { AttachmentConfig } from './attachments/attachment-config.js';
import type { ComposerChoices, ComposerTool } from './composer-tools.js';

export interface Capabilities {
  attachments: { enabled: boolean; accept: string[]; max_size: number; max_count: number };
  dictation: { enabled: boolean };
  models: { id: string; label: string; default: boolean }[];
  tools: ComposerTool[];
}

export function describeCapabilities(input: { attachments?: AttachmentConfig; dictation: boolean; choices: ComposerChoices }): Capabilities {
  const { attachments } = input;
  return {
    attachments: attachments
      ? { enabled: true, accept: attachments.accept, max_size: attachments.maxBytes, max_count: attachments.maxCount }
      : { enabled: false, accept: [], max_size: 0, max_count: 0 },
    dictation: { enabled: input.dictation },
    models: input.choices.models.map(({ id, label, default: isDefault }) => ({ id, label, default: isDefault })),
    tools: input.choices.tools,
  };
}
