/**
 * The agent host with a real MCP server over Streamable HTTP (the demo's to-do server, verifying the forwarded
 * JWT against this server's JWKS): tools are offered to the model, called with its arguments for the right user,
 * their results reach the model, and the user sees the work as a workflow and the list as a widget.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startTodoMcpServer, type TodoServer } from '../../../demo/mcp-todos/todo-mcp-server.js';
import { conversationSent } from '../../test-support/openai-mock-model.js';
import { createThread, HARNESS_PUBLIC_URL, startBackend, threadIdOf, type Harness } from './testing/harness.js';

const call = (name: string, args: Record<string, unknown>, callId?: string) => ({ name, arguments: JSON.stringify(args), callId });

for (const api of ['responses', 'chat_completions'] as const) {
  describe(`an MCP server over Streamable HTTP (${api})`, () => {
    let h: Harness;
    let todos: TodoServer;
    const forwarded: string[] = [];
    before(async () => {
      h = await startBackend({
        api,
        agent: async ({ jwksUrl }) => {
          todos = await startTodoMcpServer({ jwksUrl, issuer: HARNESS_PUBLIC_URL });
          return { mcpServers: [{ name: 'todos', transport: 'http', url: todos.url, headers: {}, forwardUser: true, requireApproval: [] }] };
        },
      });
    });
    after(async () => {
      await h.close();
      await todos.close();
    });

    test('when the model calls a tool, it runs for that user with the model\'s arguments, and its result reaches the model', async () => {
      h.model.enqueue({ deltas: [], toolCalls: [call('add_todo', { text: 'buy milk' }, 'call_add')] }, { deltas: ['Added ', 'buy milk.'] });
      const reply = await h.call('alice', createThread('add buy milk to my list'));
      assert.equal(reply.status, 200);
      assert.deepEqual(todos.todos('alice'), [{ id: 1, text: 'buy milk' }]);
      assert.deepEqual(todos.todos('bob'), []);

      const [first, second] = h.mock.requests.slice(-2).map((r) => r.body as any);
      const offered = (first.tools as any[]).map((t) => t.name ?? t.function?.name).sort();
      assert.deepEqual(offered, ['add_todo', 'delete_todo', 'list_todos']);
      const sent = conversationSent(second);
      const output = sent.find((entry) => entry.type === 'function_call_output' || entry.role === 'tool');
      assert.match(String(output?.output ?? output?.content), /Added "buy milk" as #1/);

      const assistant = reply.events.filter((e) => e.type === 'thread.item.done' && e.item.type === 'assistant_message');
      assert.equal(assistant.length, 1);
      assert.deepEqual((assistant[0] as any).item.content[0].text, 'Added buy milk.');
    });

    test('the user sees the tool work as a workflow item with one task per call, kept in the thread', async () => {
      h.model.enqueue({ deltas: [], toolCalls: [call('add_todo', { text: 'eggs' })] }, { deltas: ['Done.'] });
      const reply = await h.call('carol', createThread('add eggs'));
      const types = reply.events.map((e) => (e.type.startsWith('thread.item') ? `${e.type}:${(e as any).item?.type ?? (e as any).update?.type}` : e.type));
      assert.deepEqual(types.slice(0, 8), [
        'thread.created',
        'thread.item.done:user_message',
        'stream_options',
        'thread.item.added:workflow',
        'thread.item.updated:workflow.task.added',
        'thread.item.updated:workflow.task.updated',
        'thread.item.done:workflow',
        'thread.item.added:assistant_message',
      ]);
      const done = reply.events.find((e) => e.type === 'thread.item.done' && e.item.type === 'workflow') as any;
      // chatkit-python 1.6's Workflow / CustomTask shapes: null fields left out.
      assert.deepEqual(Object.keys(done.item).sort(), ['created_at', 'id', 'thread_id', 'type', 'workflow']);
      assert.match(done.item.id, /^wf_/);
      assert.equal(done.item.workflow.type, 'custom');
      assert.equal(done.item.workflow.expanded, false);
      assert.equal(typeof done.item.workflow.summary.duration, 'number');
      assert.deepEqual(done.item.workflow.tasks, [{ type: 'custom', title: 'Used add_todo', icon: 'check-circle', status_indicator: 'complete' }]);
      const added = reply.events.find((e) => e.type === 'thread.item.updated' && (e as any).update.type === 'workflow.task.added') as any;
      assert.deepEqual(added.update.task, { type: 'custom', title: 'Running add_todo', icon: 'bolt', content: '{"text":"eggs"}', status_indicator: 'loading' });

      const stored = await h.call('carol', { type: 'items.list', params: { thread_id: threadIdOf(reply.events), order: 'asc' } });
      assert.deepEqual(stored.body.data.map((i: any) => i.type), ['user_message', 'workflow', 'assistant_message']);
    });

    test('a tool result that carries a widget is shown as a widget item', async () => {
      h.model.enqueue({ deltas: [], toolCalls: [call('add_todo', { text: 'bread' })] }, { deltas: ['ok'] });
      await h.call('dave', createThread('add bread'));
      h.model.enqueue({ deltas: [], toolCalls: [call('list_todos', {})] }, { deltas: ['Here is your list.'] });
      const reply = await h.call('dave', createThread('show my list'));
      const widget = reply.events.find((e) => e.type === 'thread.item.done' && e.item.type === 'widget') as any;
      assert.ok(widget, JSON.stringify(reply.events.map((e) => e.type)));
      assert.equal(widget.item.widget.type, 'ListView');
      assert.equal(widget.item.widget.children[0].children[0].value, 'bread');
      assert.match(widget.item.id, /^wdg_/);
    });

    test('every call carries a fresh EdDSA JWT naming the chatting user, verifiable at the JWKS, never the user\'s own token', async () => {
      const seen: string[] = [];
      const original = globalThis.fetch;
      // Watch what leaves for the MCP server (the network edge), without changing it.
      globalThis.fetch = async (input, init) => {
        if (String(input).startsWith(todos.url)) seen.push(new Headers(init?.headers).get('authorization') ?? '');
        return original(input, init);
      };
      try {
        h.model.enqueue({ deltas: [], toolCalls: [call('list_todos', {})] }, { deltas: ['ok'] });
        await h.call('erin', createThread('list'));
        h.model.enqueue({ deltas: [], toolCalls: [call('list_todos', {})] }, { deltas: ['ok'] });
        await h.call('anon_V1s1t0rIdV1s1t0rIdXY', createThread('list'));
      } finally {
        globalThis.fetch = original;
      }
      const userToken = await h.tokenFor('erin');
      assert.ok(seen.length >= 2);
      assert.ok(!seen.some((header) => header.includes(userToken)), 'the login token is never forwarded');
      const keys = createRemoteJWKSet(new URL(`${h.url}/.well-known/jwks.json`));
      const subjects = new Set<string>();
      for (const header of seen) {
        const token = header.replace(/^Bearer /, '');
        const { payload, protectedHeader } = await jwtVerify(token, keys, { issuer: HARNESS_PUBLIC_URL, audience: 'todos' });
        assert.equal(protectedHeader.alg, 'EdDSA');
        assert.ok(payload.exp! - payload.iat! <= 300, 'lives at most 5 minutes');
        subjects.add(payload.sub!);
      }
      assert.deepEqual([...subjects].sort(), ['anon_V1s1t0rIdV1s1t0rIdXY', 'erin']);
      assert.ok(todos.callers.includes('anon_V1s1t0rIdV1s1t0rIdXY'));
    });

    test('parallel calls in one model answer all run and all reach the model', async () => {
      h.model.enqueue(
        { deltas: [], toolCalls: [call('add_todo', { text: 'one' }, 'call_a'), call('add_todo', { text: 'two' }, 'call_b')] },
        { deltas: ['Both added.'] },
      );
      const reply = await h.call('frank', createThread('add one and two'));
      assert.deepEqual(todos.todos('frank').map((t) => t.text).sort(), ['one', 'two']);
      const done = reply.events.find((e) => e.type === 'thread.item.done' && e.item.type === 'workflow') as any;
      assert.equal(done.item.workflow.tasks.length, 2);
      const outputs = conversationSent(h.mock.requests.at(-1)!.body).filter((entry) => entry.type === 'function_call_output' || entry.role === 'tool');
      assert.equal(outputs.length, 2);
    });
  });
}
