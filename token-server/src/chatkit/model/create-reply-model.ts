/** Builds the reply model for the configured provider with the real `openai` SDK. */
import OpenAI from 'openai';
import { chatCompletionsModel } from './chat-completions-model.js';
import type { ModelSettings, ReplyModel } from './reply-model.js';
import { responsesModel } from './responses-model.js';

export function createReplyModel(settings: ModelSettings, timeoutMs: number): ReplyModel {
  // Bounded wait for the first byte, at most one retry, and no SDK console logging (it can print raw chunks).
  // A local OpenAI-compatible provider may need no key, but the SDK refuses an empty one.
  const client = new OpenAI({ apiKey: settings.apiKey || 'no-key-needed', baseURL: settings.baseURL, timeout: timeoutMs, maxRetries: 1, logLevel: 'off' });
  return settings.api === 'chat_completions' ? chatCompletionsModel(client, settings) : responsesModel(client, settings);
}
