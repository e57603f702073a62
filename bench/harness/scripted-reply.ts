/**
 * The one scripted assistant reply every streaming figure uses: the model mock streams it as deltas, and the
 * bare-Express baseline writes the same ChatKit events, so both sides move the same bytes.
 */

export const REPLY_TEXT =
  'Sure. ChatKit streams this answer to you in small pieces, each one a server-sent event, ' +
  'so the first words show up long before the last ones are written. That is what this benchmark times.';

/** The ChatKit request that starts a thread and streams the scripted reply. */
export const THREADS_CREATE = JSON.stringify({
  type: 'threads.create',
  params: { input: { content: [{ type: 'input_text', text: 'Hi' }], attachments: [], inference_options: {} } },
});

/** The reply split the way a model streams it: 12 deltas of up to 16 characters (the "12-delta reply"). */
export const REPLY_DELTAS: string[] = REPLY_TEXT.match(/.{1,16}/gs) ?? [];

const created = '2026-01-01T00:00:00.000Z';

/** The ChatKit events of a `threads.create` answer with this reply, as the golden transcript frames them. */
export function replyEvents(threadId: string): object[] {
  const thread = { id: threadId, created_at: created, status: { type: 'active' }, metadata: {}, items: { data: [], has_more: false } };
  const item = { id: 'msg_a', thread_id: threadId, created_at: created, type: 'assistant_message' };
  const content = { annotations: [], text: REPLY_TEXT, type: 'output_text' };
  return [
    { type: 'thread.created', thread },
    {
      type: 'thread.item.done',
      item: { id: 'msg_u', thread_id: threadId, created_at: created, type: 'user_message', content: [{ type: 'input_text', text: 'Hi' }], attachments: [], inference_options: {} },
    },
    { type: 'stream_options', stream_options: { allow_cancel: true } },
    { type: 'thread.item.added', item: { ...item, content: [] } },
    { type: 'thread.item.updated', item_id: 'msg_a', update: { type: 'assistant_message.content_part.added', content_index: 0, content: { ...content, text: '' } } },
    ...REPLY_DELTAS.map((delta) => ({
      type: 'thread.item.updated',
      item_id: 'msg_a',
      update: { type: 'assistant_message.content_part.text_delta', content_index: 0, delta },
    })),
    { type: 'thread.item.updated', item_id: 'msg_a', update: { type: 'assistant_message.content_part.done', content_index: 0, content } },
    { type: 'thread.item.done', item: { ...item, content: [content] } },
    { type: 'thread.updated', thread: { ...thread, title: 'Benchmark' } },
  ];
}
