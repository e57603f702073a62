/**
 * Asking before acting: a tool in `require_approval` pauses the run and shows Approve / Deny; the decision arrives
 * as `threads.custom_action` and the run resumes. Nothing runs unapproved, a decision counts once, it belongs to its
 * own user and thread, and it survives a restart between the question and the answer.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Agent, tool } from '@openai/agents';
import { startTodoMcpServer, type TodoServer } from '../../../demo/mcp-todos/todo-mcp-server.js';
import { startOpenAIMock, type OpenAIMock } from '../../test-support/openai-mock.js';
import { conversationSent, scriptedModel, type ScriptedModel } from '../../test-support/openai-mock-model.js';
import type { StreamEvent } from './protocol/types.js';
import { createThread, HARNESS_PUBLIC_URL, startBackend, threadIdOf, type BackendOptions, type Harness } from './testing/harness.js';

const call = (name: string, args: Record<string, unknown>) => ({ name, arguments: JSON.stringify(args) });

function approvalButtons(events: StreamEvent[]) {
  const widget = events.find((e) => e.type === 'thread.item.done' && e.item.type === 'widget') as any;
  assert.ok(widget, `no widget in ${JSON.stringify(events.map((e) => e.type))}`);
  const row = widget.item.widget.children.find((c: any) => c.type === 'Row');
  const [approve, deny] = row.children;
  return { widget: widget.item, approve: approve.onClickAction, deny: deny.onClickAction };
}

const act = (threadId: string, action: unknown, itemId?: string) => ({ type: 'threads.custom_action', params: { thread_id: threadId, item_id: itemId, action } });

describe('approvals', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ckw-approvals-'));
  const signingKey = randomBytes(32);
  let mock: OpenAIMock;
  let model: ScriptedModel;
  let todos: TodoServer;
  let h: Harness;
  const options = (databasePath: string): BackendOptions => ({
    databasePath,
    signingKey,
    agent: async ({ jwksUrl }) => {
      todos ??= await startTodoMcpServer({ jwksUrl, issuer: HARNESS_PUBLIC_URL });
      return { mcpServers: [{ name: 'todos', transport: 'http', url: todos.url, headers: {}, forwardUser: true, requireApproval: ['delete_todo'] }] };
    },
  });

  before(async () => {
    model = scriptedModel();
    mock = await startOpenAIMock(model.routes);
    h = await startBackend(options(join(dataDir, 'chatkit.sqlite')), { mock, model });
  });
  after(async () => {
    await h.close();
    await todos.close();
    await mock.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Alice's list holds "milk"; the model then asks to delete it, and the run pauses for approval. */
  async function askToDelete(user: string) {
    model.enqueue({ deltas: [], toolCalls: [call('add_todo', { text: 'milk' })] }, { deltas: ['Added.'] });
    await h.call(user, createThread('add milk'));
    const id = todos.todos(user).at(-1)!.id;
    model.enqueue({ deltas: [], toolCalls: [call('delete_todo', { id })] });
    const reply = await h.call(user, createThread('delete milk'));
    return { reply, threadId: threadIdOf(reply.events), id };
  }

  test('a tool that needs approval does not run; the user gets Approve and Deny, and the stream ends cleanly', async () => {
    const { reply, id } = await askToDelete('alice');
    assert.ok(todos.todos('alice').some((t) => t.id === id), 'nothing ran unapproved');
    const { widget, approve, deny } = approvalButtons(reply.events);
    assert.equal(widget.widget.type, 'Card');
    assert.match(JSON.stringify(widget.widget), /delete_todo/);
    assert.equal(approve.handler, 'server');
    assert.deepEqual(Object.keys(approve.payload).sort(), ['approval_id', 'decision']);
    assert.equal(deny.payload.decision, 'deny');
    const workflow = reply.events.find((e) => e.type === 'thread.item.done' && e.item.type === 'workflow') as any;
    assert.equal(workflow.item.workflow.tasks[0].title, 'delete_todo needs your approval');
    assert.ok(!reply.events.some((e) => e.type === 'error'));
  });

  test('Approve runs the tool, replaces the buttons with "Approved", and the model answers with its result', async () => {
    const { reply, threadId, id } = await askToDelete('bob');
    const { approve, widget } = approvalButtons(reply.events);
    model.enqueue({ deltas: ['Deleted ', 'milk.'] });
    const answer = await h.call('bob', act(threadId, approve, widget.id));
    assert.equal(answer.status, 200);
    assert.ok(!todos.todos('bob').some((t) => t.id === id), 'the approved call ran');
    const replaced = answer.events.find((e) => e.type === 'thread.item.replaced') as any;
    assert.equal(replaced.item.id, widget.id);
    assert.match(JSON.stringify(replaced.item.widget), /"label":"Approved"/);
    assert.doesNotMatch(JSON.stringify(replaced.item.widget), /Button/);
    const task = answer.events.find((e) => e.type === 'thread.item.done' && e.item.type === 'workflow') as any;
    assert.equal(task.item.workflow.tasks[0].title, 'Used delete_todo');
    const text = answer.events.find((e) => e.type === 'thread.item.done' && e.item.type === 'assistant_message') as any;
    assert.equal(text.item.content[0].text, 'Deleted milk.');
    const output = conversationSent(mock.requests.at(-1)!.body).find((entry) => entry.type === 'function_call_output');
    assert.match(String(output?.output), /Deleted "milk"/);
    const stored = await h.call('bob', { type: 'items.list', params: { thread_id: threadId, order: 'asc' } });
    assert.match(JSON.stringify(stored.body.data.find((i: any) => i.id === widget.id)), /Approved/);
  });

  test('Deny never runs the tool; the task says so and the model is told it was not approved', async () => {
    const { reply, threadId, id } = await askToDelete('carol');
    const { deny } = approvalButtons(reply.events);
    model.enqueue({ deltas: ['Okay, I kept it.'] });
    const answer = await h.call('carol', act(threadId, deny));
    assert.ok(todos.todos('carol').some((t) => t.id === id), 'the denied call did not run');
    const task = answer.events.find((e) => e.type === 'thread.item.done' && e.item.type === 'workflow') as any;
    assert.equal(task.item.workflow.tasks[0].title, 'delete_todo failed');
    assert.match(task.item.workflow.tasks[0].content, /denied/);
    assert.match(JSON.stringify(answer.events.find((e) => e.type === 'thread.item.replaced')), /Denied/);
    const output = conversationSent(mock.requests.at(-1)!.body).find((entry) => entry.type === 'function_call_output');
    assert.match(String(output?.output), /not approved|rejected|denied/i);
  });

  test('a decision counts once: the same answer sent again runs nothing and says so', async () => {
    const { reply, threadId } = await askToDelete('dave');
    const { approve } = approvalButtons(reply.events);
    model.enqueue({ deltas: ['Deleted.'] });
    await h.call('dave', act(threadId, approve));
    const before = mock.requests.length;
    const replay = await h.call('dave', act(threadId, approve));
    assert.deepEqual(replay.events.map((e) => e.type), ['stream_options', 'error']);
    assert.match((replay.events[1] as any).message, /already answered/);
    assert.equal(mock.requests.length, before, 'no model call for a replay');
  });

  test("another user's decision finds nothing, in their thread or in the asker's", async () => {
    const { reply, threadId, id } = await askToDelete('erin');
    const { approve } = approvalButtons(reply.events);
    // Mallory cannot reach Erin's thread at all...
    assert.equal((await h.call('mallory', act(threadId, approve))).status, 404);
    // ...and the approval id does not work in a thread of her own.
    model.enqueue({ deltas: ['hi'] });
    const own = threadIdOf((await h.call('mallory', createThread('hi'))).events);
    const foreign = await h.call('mallory', act(own, approve));
    assert.equal((foreign.events[1] as any)?.type, 'error');
    assert.ok(todos.todos('erin').some((t) => t.id === id));
    // Erin's own answer still works afterwards.
    model.enqueue({ deltas: ['Deleted.'] });
    await h.call('erin', act(threadId, approve));
    assert.ok(!todos.todos('erin').some((t) => t.id === id));
  });

  test('once the user writes again, the old question can no longer be answered', async () => {
    const { reply, threadId, id } = await askToDelete('hank');
    const { approve } = approvalButtons(reply.events);
    model.enqueue({ deltas: ['Sure, what else?'] });
    await h.call('hank', { type: 'threads.add_user_message', params: { thread_id: threadId, input: { content: [{ type: 'input_text', text: 'never mind' }], attachments: [], inference_options: {} } } });
    const late = await h.call('hank', act(threadId, approve));
    assert.deepEqual(late.events.map((e) => e.type), ['stream_options', 'error']);
    assert.ok(todos.todos('hank').some((t) => t.id === id), 'nothing ran');
  });

  test('a code tool with needsApproval asks the same way, and runs only once approved', async () => {
    let refunds = 0;
    const refund = tool({
      name: 'refund_order',
      description: 'Refunds an order.',
      parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false } as any,
      strict: false,
      needsApproval: true,
      execute: async () => {
        refunds++;
        return 'refunded';
      },
    });
    const shop = await startBackend({ agentSource: new Agent({ name: 'Shop', instructions: 'Help.', tools: [refund] }) }, { mock, model });
    try {
      model.enqueue({ deltas: [], toolCalls: [call('refund_order', { id: 'A1' })] });
      const reply = await shop.call('gina', createThread('refund A1'));
      assert.equal(refunds, 0);
      const { approve } = approvalButtons(reply.events);
      model.enqueue({ deltas: ['Refunded.'] });
      await shop.call('gina', act(threadIdOf(reply.events), approve));
      assert.equal(refunds, 1);
    } finally {
      await shop.close();
    }
  });

  test('a decision after the server restarted resumes the saved run', async () => {
    const { reply, threadId, id } = await askToDelete('frank');
    const { approve } = approvalButtons(reply.events);
    await h.stop();
    h = await startBackend(options(join(dataDir, 'chatkit.sqlite')), { mock, model });
    model.enqueue({ deltas: ['Deleted after the restart.'] });
    const answer = await h.call('frank', act(threadId, approve));
    assert.ok(!todos.todos('frank').some((t) => t.id === id));
    const text = answer.events.find((e) => e.type === 'thread.item.done' && e.item.type === 'assistant_message') as any;
    assert.equal(text?.item.content[0].text, 'Deleted after the restart.');
  });
});
