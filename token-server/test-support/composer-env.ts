/** A token server's environment that turns on every composer capability: uploads, dictation, a model picker, a tool. */
export const COMPOSER_ENV = {
  CHATKIT_MODEL: 'gpt-5-mini',
  CHATKIT_MODELS: 'gpt-5-mini=Fast,gpt-5=Best',
  CHATKIT_TRANSCRIBE_MODEL: 'gpt-4o-mini-transcribe',
  CHATKIT_ATTACHMENTS: 'image/*,application/pdf',
  CHATKIT_ATTACHMENT_MAX_BYTES: '2000000',
  CHATKIT_ATTACHMENT_MAX_COUNT: '3',
  CHATKIT_HOSTED_TOOLS: 'web_search',
};
