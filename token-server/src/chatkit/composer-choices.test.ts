/**
 * ChatKit's model picker and composer tools: a picked model listed in CHATKIT_MODELS reaches the model request, any
 * other is refused with an error event before the model is called; a picked composer tool makes the model use it
 * (a hosted tool by name, an MCP server's tools as the only ones, required), and an unknown tool is refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTodoMcpServer, type TodoServer } from '../../../demo/mcp-todos/todo-mcp-server.js';
import { HARNESS_PUBLIC_URL, startBackend, threadIdOf, type Harness } from './testing/harness.js';

const message = (text: string, inference_options: Record<string, unknown>) => ({
  content: [{ type: 'input_text', text }],
  attachments: [],
  inference_options,
});
const create = (text: string, options: Record<string, unknown>) => ({ type: 'threads.create', params: { input: message(text, options) } });

describe('the model picker (CHATKIT_MODELS)', () => {
  let h: Harness;
  before(async () => {
    h = await startBackend({
      models: [
        { id: 'mock-model', label: 'Fast', default: true },
        { id: 'mock-model-large', label: 'Best', default: false },
      ],
    });
  });
  after(() => h.close());

  test('a listed model the user picked is the model the request names, for this message and its retry', async () => {
    const reply = await h.call('alice', create('hi', { model: 'mock-model-large' }));
    assert.equal(reply.status, 200);
    assert.equal((h.mock.requests.at(-1)!.body as any).model, 'mock-model-large');
    const stored = reply.events.find((e) => e.type === 'thread.item.done' && e.item.type === 'user_message') as any;
    assert.equal(stored.item.inference_options.model, 'mock-model-large');
    await h.call('alice', { type: 'threads.retry_after_item', params: { thread_id: threadIdOf(reply.events), item_id: stored.item.id } });
    assert.equal((h.mock.requests.at(-1)!.body as any).model, 'mock-model-large');
  });

  test('without a pick, or picking the default, the default model answers', async () => {
    await h.call('alice', create('hi', {}));
    assert.equal((h.mock.requests.at(-1)!.body as any).model, 'mock-model');
    await h.call('alice', create('hi', { model: 'mock-model' }));
    assert.equal((h.mock.requests.at(-1)!.body as any).model, 'mock-model');
  });

  test('a model not in the list gets an error event naming the choices; no model call, no thread, nothing stored', async () => {
    const before = h.mock.requests.length;
    const reply = await h.call('bob', create('hi', { model: 'gpt-expensive' }));
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.events.map((e) => e.type), ['stream_options', 'error']);
    const error = reply.events[1] as any;
    assert.equal(error.code, 'custom');
    assert.match(error.message, /"gpt-expensive" is not available here; pick one of: Fast, Best/);
    assert.equal(h.mock.requests.length, before);
    const threads = await h.call('bob', { type: 'threads.list', params: {} });
    assert.deepEqual(threads.body.data, []);
  });

  test('in an existing thread, an unlisted model is refused before the message is stored', async () => {
    const first = await h.call('carol', create('hi', {}));
    const threadId = threadIdOf(first.events);
    const before = h.mock.requests.length;
    const reply = await h.call('carol', { type: 'threads.add_user_message', params: { thread_id: threadId, input: message('again', { model: 'other' }) } });
    assert.deepEqual(reply.events.map((e) => e.type), ['stream_options', 'error']);
    assert.equal(h.mock.requests.length, before);
    const items = await h.call('carol', { type: 'items.list', params: { thread_id: threadId, order: 'asc' } });
    assert.deepEqual(items.body.data.map((i: any) => i.type), ['user_message', 'assistant_message']);
  });
});

describe('without a model picker', () => {
  let h: Harness;
  before(async () => {
    h = await startBackend();
  });
  after(() => h.close());

  test('only the configured model (or none) is accepted', async () => {
    const ok = await h.call('alice', create('hi', { model: 'mock-model' }));
    assert.ok(ok.events.some((e) => e.type === 'thread.item.done' && e.item.type === 'assistant_message'));
    const before = h.mock.requests.length;
    const refused = await h.call('alice', create('hi', { model: 'mock-model-large' }));
    assert.deepEqual(refused.events.map((e) => e.type), ['stream_options', 'error']);
    assert.match((refused.events[1] as any).message, /does not offer a choice of model/);
    assert.equal(h.mock.requests.length, before);
  });

  test('a composer tool that is not configured is refused with an error event', async () => {
    const before = h.mock.requests.length;
    const reply = await h.call('alice', create('search this', { tool_choice: { id: 'web_search' } }));
    assert.deepEqual(reply.events.map((e) => e.type), ['stream_options', 'error']);
    assert.match((reply.events[1] as any).message, /The tool "web_search" is not available here/);
    assert.equal(h.mock.requests.length, before);
  });
});

describe('composer tools: hosted tools and MCP servers with a "composer" entry', () => {
  let h: Harness;
  let todos: TodoServer;
  let notes: TodoServer;
  before(async () => {
    h = await startBackend({
      agent: async ({ jwksUrl }) => {
        todos = await startTodoMcpServer({ jwksUrl, issuer: HARNESS_PUBLIC_URL });
        notes = await startTodoMcpServer({ jwksUrl, issuer: HARNESS_PUBLIC_URL });
        const server = (name: string, url: string, composer?: { label: string; icon?: string; pinned: boolean }) => ({
          name,
          transport: 'http' as const,
          url,
          headers: {},
          forwardUser: true,
          requireApproval: [],
          composer,
        });
        return {
          hostedTools: [{ type: 'web_search' }],
          mcpServers: [server('todos', todos.url, { label: 'To-do list', icon: 'check-circle', pinned: true }), server('notes', notes.url)],
        };
      },
    });
  });
  after(async () => {
    await h.close();
    await todos.close();
    await notes.close();
  });

  test('the capabilities list exactly the hosted tool and the MCP server that has a composer entry', () => {
    assert.deepEqual(h.backend.capabilities.tools, [
      { id: 'web_search', label: 'Search the web', icon: 'globe', short_label: 'Search', pinned: false },
      { id: 'mcp:todos', label: 'To-do list', icon: 'check-circle', short_label: undefined, placeholder_override: undefined, pinned: true },
    ]);
  });

  test('without a pick, every tool is offered and the model chooses freely', async () => {
    await h.call('alice', create('hi', {}));
    const body = h.mock.requests.at(-1)!.body as any;
    assert.equal(body.tool_choice, undefined);
    assert.ok(body.tools.some((t: any) => t.type === 'web_search' || t.type === 'web_search_preview'));
    assert.equal(body.tools.filter((t: any) => t.name === 'add_todo').length, 1);
  });

  test('picking web search forces the hosted tool for that message', async () => {
    await h.call('alice', create('news today?', { tool_choice: { id: 'web_search' } }));
    const body = h.mock.requests.at(-1)!.body as any;
    assert.deepEqual(body.tool_choice, { type: 'web_search' });
  });

  test("picking the to-do server offers only its tools and requires the model to use one; it runs for that user", async () => {
    h.model.enqueue({ deltas: [], toolCalls: [{ name: 'add_todo', arguments: JSON.stringify({ text: 'milk' }) }] }, { deltas: ['Added.'] });
    const reply = await h.call('dave', create('milk', { tool_choice: { id: 'mcp:todos' } }));
    assert.equal(reply.status, 200);
    const [first, second] = h.mock.requests.slice(-2).map((r) => r.body as any);
    assert.equal(first.tool_choice, 'required');
    assert.deepEqual(first.tools.map((t: any) => t.name).sort(), ['add_todo', 'delete_todo', 'list_todos']);
    assert.ok(!first.tools.some((t: any) => t.type === 'web_search'), 'no other tool is offered');
    // After the first tool call the model may answer in words (the SDK resets the choice).
    assert.notEqual(second.tool_choice, 'required');
    assert.deepEqual(todos.todos('dave'), [{ id: 1, text: 'milk' }]);
    assert.deepEqual(notes.todos('dave'), []);
  });

  test('an MCP server without a composer entry cannot be picked', async () => {
    const before = h.mock.requests.length;
    const reply = await h.call('alice', create('x', { tool_choice: { id: 'mcp:notes' } }));
    assert.deepEqual(reply.events.map((e) => e.type), ['stream_options', 'error']);
    assert.equal(h.mock.requests.length, before);
  });
});
