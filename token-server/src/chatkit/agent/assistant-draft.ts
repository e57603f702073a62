/** An assistant message while it streams: emits ChatKit's added / content_part / text_delta / done sequence. */
import { newId, now } from '../ids.js';
import type { EventSink } from '../protocol/sse.js';
import type { AssistantMessageItem, OutputText } from '../protocol/types.js';

const outputText = (text: string): OutputText => ({ annotations: [], text, type: 'output_text' });

export class AssistantDraft {
  private text = '';
  private readonly id = newId('message');
  private readonly createdAt = now();

  constructor(
    private readonly threadId: string,
    private readonly sink: EventSink,
  ) {
    sink.send({ type: 'thread.item.added', item: { ...this.item(), content: [] } });
    sink.send({
      type: 'thread.item.updated',
      item_id: this.id,
      update: { type: 'assistant_message.content_part.added', content_index: 0, content: outputText('') },
    });
  }

  append(delta: string): void {
    if (!delta) return;
    this.text += delta;
    this.sink.send({
      type: 'thread.item.updated',
      item_id: this.id,
      update: { type: 'assistant_message.content_part.text_delta', content_index: 0, delta },
    });
  }

  get hasText(): boolean {
    return this.text.trim().length > 0;
  }

  /** The message as it stands (the partial answer when the stream stops early). */
  item(): AssistantMessageItem {
    return { id: this.id, thread_id: this.threadId, created_at: this.createdAt, type: 'assistant_message', content: [outputText(this.text)] };
  }

  /** Announces the finished message; the caller has stored it. */
  done(): void {
    this.sink.send({
      type: 'thread.item.updated',
      item_id: this.id,
      update: { type: 'assistant_message.content_part.done', content_index: 0, content: outputText(this.text) },
    });
    this.sink.send({ type: 'thread.item.done', item: this.item() });
  }
}
