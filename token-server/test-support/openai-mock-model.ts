/**
 * Scripted model streams for `startOpenAIMock`: `POST /v1/responses` and `POST /v1/chat/completions` answer with
 * server-sent events shaped like OpenAI's, chunk by chunk, with optional delays and mid-stream faults. Whether the
 * caller aborted a request is recorded by the mock core (`RecordedRequest.aborted`).
 */
import type { ServerResponse } from 'node:http';
import type { MockRoute } from './openai-mock.js';

export interface ModelScript {
  /** Refuse the request with this HTTP status and OpenAI's error body instead of streaming. */
  reject?: { status: number; message: string };
  /** Text chunks streamed in order. */
  deltas?: string[];
  /** A function call streamed after the text (shorthand for one entry of `toolCalls`). */
  toolCall?: ToolCallScript;
  /** Function calls streamed after the text, in one response (parallel calls when there are several). */
  toolCalls?: ToolCallScript[];
  /** Hosted tool calls OpenAI ran itself (Responses only), reported before the text, e.g. `web_search_call`. */
  hostedCalls?: { type: 'web_search_call' | 'code_interpreter_call' | 'file_search_call'; query?: string }[];
  /** Pause before each chunk, in ms. */
  delayMs?: number;
  /**
   * What happens after `faultAfter` text chunks (default: all of them): `reset` destroys the socket, `error_event`
   * sends the API's in-stream error, `hang` sends nothing more until the caller goes away.
   */
  fault?: 'reset' | 'error_event' | 'hang';
  faultAfter?: number;
}

export interface ToolCallScript {
  name: string;
  arguments: string;
  callId?: string;
}

export interface ScriptedModel {
  routes: MockRoute[];
  /** Scripts for the next requests, in order; once used up, the default script answers. */
  enqueue(...scripts: ModelScript[]): void;
  /** Resolves when a stream has sent its last scripted chunk and is hanging (a `hang` fault). */
  hanging(): Promise<void>;
}

type Sse = (event: string | null, data: unknown) => void;

function pause(ms: number, res: ServerResponse): Promise<void> {
  if (ms <= 0 || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    }
    res.on('close', done);
  });
}

const untilClosed = (res: ServerResponse) => new Promise<void>((resolve) => (res.destroyed ? resolve() : res.on('close', () => resolve())));

/** The two wire dialects; each turns the script's steps into its own events. */
interface Dialect {
  start(send: Sse, hosted?: ModelScript['hostedCalls']): void;
  delta(send: Sse, text: string): void;
  toolCall(send: Sse, call: Required<ToolCallScript>, index: number): void;
  finish(send: Sse, text: string, calls: Required<ToolCallScript>[], hosted?: ModelScript['hostedCalls']): void;
  error(send: Sse): void;
}

function hostedItem(call: NonNullable<ModelScript['hostedCalls']>[number], index: number) {
  const id = `hosted_mock_${index}`;
  if (call.type === 'web_search_call') return { id, type: call.type, status: 'completed', action: { type: 'search', query: call.query ?? '' } };
  if (call.type === 'file_search_call') return { id, type: call.type, status: 'completed', queries: [call.query ?? ''], results: null };
  return { id, type: call.type, status: 'completed', code: call.query ?? '', container_id: 'cntr_mock', outputs: [] };
}

const responses: Dialect = {
  start(send, hosted = []) {
    const response = { id: 'resp_mock', object: 'response', status: 'in_progress', output: [] };
    send('response.created', { type: 'response.created', sequence_number: 0, response });
    hosted.forEach((call, index) => {
      send('response.output_item.added', { type: 'response.output_item.added', output_index: index, item: { ...hostedItem(call, index), status: 'in_progress' } });
      send('response.output_item.done', { type: 'response.output_item.done', output_index: index, item: hostedItem(call, index) });
    });
    send('response.output_item.added', {
      type: 'response.output_item.added',
      output_index: 0,
      item: { id: 'msg_mock', type: 'message', role: 'assistant', status: 'in_progress', content: [] },
    });
    send('response.content_part.added', {
      type: 'response.content_part.added',
      item_id: 'msg_mock',
      output_index: 0,
      content_index: 0,
      part: { type: 'output_text', text: '', annotations: [] },
    });
  },
  delta(send, text) {
    send('response.output_text.delta', { type: 'response.output_text.delta', item_id: 'msg_mock', output_index: 0, content_index: 0, delta: text });
  },
  toolCall(send, call, index) {
    const item = functionCallItem(call, index);
    const output_index = index + 1;
    send('response.output_item.added', { type: 'response.output_item.added', output_index, item: { ...item, arguments: '', status: 'in_progress' } });
    send('response.function_call_arguments.delta', { type: 'response.function_call_arguments.delta', item_id: item.id, output_index, delta: call.arguments });
    send('response.function_call_arguments.done', { type: 'response.function_call_arguments.done', item_id: item.id, output_index, arguments: call.arguments });
    send('response.output_item.done', { type: 'response.output_item.done', output_index, item });
  },
  finish(send, text, calls, hosted = []) {
    send('response.output_text.done', { type: 'response.output_text.done', item_id: 'msg_mock', output_index: 0, content_index: 0, text });
    // As the real API: the completed response repeats every output item (the Agents SDK reads them from here).
    const message = { id: 'msg_mock', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
    const output = [...hosted.map(hostedItem), ...(text ? [message] : []), ...calls.map(functionCallItem)];
    const usage = { input_tokens: 1, output_tokens: 1, total_tokens: 2, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } };
    send('response.completed', { type: 'response.completed', response: { id: 'resp_mock', object: 'response', status: 'completed', output, usage } });
  },
  error(send) {
    send('error', { type: 'error', code: 'server_error', message: 'mock in-stream failure', param: null });
  },
};

function functionCallItem(call: Required<ToolCallScript>, index: number) {
  return { id: `fc_mock_${index}`, type: 'function_call', call_id: call.callId, name: call.name, arguments: call.arguments, status: 'completed' };
}

const chunk = (delta: Record<string, unknown>, finish_reason: string | null = null) => ({
  id: 'chatcmpl_mock',
  object: 'chat.completion.chunk',
  created: 0,
  model: 'mock',
  choices: [{ index: 0, delta, finish_reason }],
});

const chatCompletions: Dialect = {
  start(send) {
    send(null, chunk({ role: 'assistant', content: '' }));
  },
  delta(send, text) {
    send(null, chunk({ content: text }));
  },
  toolCall(send, call, index) {
    send(null, chunk({ tool_calls: [{ index, id: call.callId, type: 'function', function: { name: call.name, arguments: '' } }] }));
    send(null, chunk({ tool_calls: [{ index, function: { arguments: call.arguments } }] }));
  },
  finish(send, _text, calls) {
    send(null, chunk({}, calls.length ? 'tool_calls' : 'stop'));
    send(null, '[DONE]');
  },
  error(send) {
    send(null, { error: { message: 'mock in-stream failure', type: 'server_error' } });
  },
};

/**
 * `choose` picks a script from the request when nothing is queued (e.g. the bench: a tool call when a tool is
 * offered and not yet answered); the default script answers when it returns nothing.
 */
export function scriptedModel(defaultScript: ModelScript = { deltas: ['Hel', 'lo!'] }, choose?: (body: any) => ModelScript | undefined): ScriptedModel {
  const queue: ModelScript[] = [];
  let answered = 0;
  let hangWaiters: Array<() => void> = [];

  const play = (dialect: Dialect) => async ({ res, body }: { res: ServerResponse; body: any }): Promise<void> => {
    const script = queue.shift() ?? choose?.(body) ?? defaultScript;
    const deltas = script.deltas ?? [];
    if (script.reject) {
      res.writeHead(script.reject.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: script.reject.message, type: 'invalid_request_error', code: null } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send: Sse = (event, data) => {
      if (res.destroyed) return;
      const payload = typeof data === 'string' ? data : JSON.stringify(data);
      res.write(`${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`);
    };
    dialect.start(send, script.hostedCalls);
    const faultAfter = script.fault ? (script.faultAfter ?? deltas.length) : Infinity;
    for (const [index, text] of deltas.entries()) {
      if (index === faultAfter) break;
      await pause(script.delayMs ?? 0, res);
      dialect.delta(send, text);
    }
    if (script.fault === 'reset') {
      // Let what was written reach the caller first, as a real mid-stream reset would.
      await new Promise((resolve) => res.write('', resolve));
      res.socket?.destroy();
      return;
    }
    if (script.fault === 'error_event') {
      dialect.error(send);
      res.end();
      return;
    }
    if (script.fault === 'hang') {
      for (const wake of hangWaiters) wake();
      hangWaiters = [];
      return untilClosed(res);
    }
    const calls = [...(script.toolCall ? [script.toolCall] : []), ...(script.toolCalls ?? [])].map((call, index) => ({
      ...call,
      // Unique per answer, as a real model's are (the Agents SDK treats a repeated id as the same call).
      callId: call.callId ?? `call_mock_${++answered}_${index}`,
    }));
    calls.forEach((call, index) => dialect.toolCall(send, call, index));
    dialect.finish(send, deltas.join(''), calls, script.hostedCalls);
    res.end();
  };

  return {
    routes: [
      { method: 'POST', path: '/v1/responses', handler: play(responses) },
      { method: 'POST', path: '/v1/chat/completions', handler: play(chatCompletions) },
    ],
    enqueue: (...scripts) => queue.push(...scripts),
    hanging: () => new Promise((resolve) => hangWaiters.push(resolve)),
  };
}

/**
 * What the model was sent (Responses `input` or Chat Completions `messages`), with the SDK's incidental
 * bookkeeping (ids, `status`, content written as parts) taken out, so tests compare what the model reads.
 */
export function conversationSent(body: any): Record<string, unknown>[] {
  const entries: any[] = body.input ?? body.messages ?? [];
  return entries.map((entry) => {
    const { id: _id, status: _status, ...rest } = entry;
    if (rest.type === 'message') delete rest.type;
    if (Array.isArray(rest.content)) rest.content = rest.content.map((part: { text?: string }) => part.text ?? '').join('');
    return rest;
  });
}

/** An image or file the model was sent, decoded from its data URL (Responses or Chat Completions shapes). */
export interface FileSent {
  kind: 'image' | 'file';
  mimeType: string;
  bytes: Buffer;
  filename?: string;
}

function fromDataUrl(url: string): { mimeType: string; bytes: Buffer } {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (!match) throw new Error(`not a base64 data URL: ${url.slice(0, 40)}`);
  return { mimeType: match[1]!, bytes: Buffer.from(match[2]!, 'base64') };
}

/** Every image and file part of the user messages the model was sent, in order. */
export function filesSent(body: any): FileSent[] {
  const entries: any[] = body.input ?? body.messages ?? [];
  return entries.flatMap((entry) =>
    (Array.isArray(entry.content) ? entry.content : []).flatMap((part: any): FileSent[] => {
      if (part.type === 'input_image') return [{ kind: 'image', ...fromDataUrl(part.image_url) }];
      if (part.type === 'image_url') return [{ kind: 'image', ...fromDataUrl(part.image_url.url) }];
      if (part.type === 'input_file') return [{ kind: 'file', ...fromDataUrl(part.file_data), filename: part.filename }];
      if (part.type === 'file') return [{ kind: 'file', ...fromDataUrl(part.file.file_data), filename: part.file.filename }];
      return [];
    }),
  );
}
