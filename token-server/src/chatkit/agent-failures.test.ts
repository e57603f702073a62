/**
 * What goes wrong with tools, and what the user sees: every failure becomes a failed task and a reply that says so,
 * the stream ends properly and the server stays up. The stdio server is a real child process.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { Agent, tool } from '@openai/agents';
import { startTodoMcpServer, type TodoServer } from '../../../demo/mcp-todos/todo-mcp-server.js';
import { conversationSent } from '../../test-support/openai-mock-model.js';
import type { McpServerConfig } from './mcp/mcp-config.js';
import type { StreamEvent } from './protocol/types.js';
import { createThread, eventually, HARNESS_PUBLIC_URL, startBackend, type Harness } from './testing/harness.js';

const STDIO_SERVER = fileURLToPath(new URL('../../test-support/mcp-stdio-server.ts', import.meta.url));
const call = (name: string, args: Record<string, unknown> = {}) => ({ name, arguments: JSON.stringify(args) });
const dir = mkdtempSync(join(tmpdir(), 'ckw-mcp-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function stdioServer(pidFile: string, extra: Partial<McpServerConfig> = {}): McpServerConfig {
  return {
    name: 'tools',
    transport: 'stdio',
    command: process.execPath,
    args: ['--import', 'tsx', STDIO_SERVER],
    env: { PID_FILE: pidFile },
    requireApproval: [],
    ...extra,
  } as McpServerConfig;
}

function tasks(events: StreamEvent[]): { title?: string; content?: string }[] {
  return events.flatMap((e) => (e.type === 'thread.item.done' && e.item.type === 'workflow' ? e.item.workflow.tasks : []));
}
const texts = (events: StreamEvent[]) => events.flatMap((e) => (e.type === 'thread.item.done' && e.item.type === 'assistant_message' ? [e.item.content[0]!.text] : []));
const endsCleanly = (events: StreamEvent[]) => assert.ok(!events.some((e) => e.type === 'error'), JSON.stringify(events.map((e) => e.type)));

/** The server still answers a plain message after whatever happened. */
async function staysUp(h: Harness, user: string) {
  h.model.enqueue({ deltas: ['still here'] });
  assert.deepEqual(texts((await h.call(user, createThread('still there?'))).events), ['still here']);
}

describe('a stdio MCP server', () => {
  const pidFile = join(dir, 'stdio.pid');
  let h: Harness;
  test('is started once, its tools are listed and called, results reach the model, /readyz knows it, and it stops with the server', async () => {
    h = await startBackend({ agent: () => ({ mcpServers: [stdioServer(pidFile)], toolOutputMaxChars: 1_000 }) });
    h.model.enqueue({ deltas: [], toolCalls: [call('echo', { text: 'ping' })] }, { deltas: ['It said ping.'] });
    const reply = await h.call('alice', createThread('echo ping'));
    endsCleanly(reply.events);
    assert.deepEqual(tasks(reply.events).map((t) => t.title), ['Used echo']);
    assert.match(String(conversationSent(h.mock.requests.at(-1)!.body).find((e) => e.type === 'function_call_output')?.output), /echo: ping/);
    assert.deepEqual(h.backend.mcpStatus(), [{ name: 'tools', transport: 'stdio', state: 'connected', tools: 4 }]);
    const pid = Number(readFileSync(pidFile, 'utf8'));

    h.model.enqueue({ deltas: [], toolCalls: [call('echo', { text: 'again' })] }, { deltas: ['ok'] });
    await h.call('bob', createThread('again'));
    assert.equal(Number(readFileSync(pidFile, 'utf8')), pid, 'the same process served both users');

    await h.close();
    await eventually(async () => {
      try {
        process.kill(pid, 0);
        return undefined;
      } catch {
        return true;
      }
    }, 250);
  });

  test('a tool slower than its timeout is a failed task, and the reply says so', async () => {
    h = await startBackend({ agent: () => ({ mcpServers: [stdioServer(join(dir, 'slow.pid'), { timeoutMs: 300 })] }) });
    try {
      h.model.enqueue({ deltas: [], toolCalls: [call('slow', { ms: 5_000 })] }, { deltas: ['It timed out, sorry.'] });
      const reply = await h.call('alice', createThread('be slow'));
      endsCleanly(reply.events);
      assert.deepEqual(tasks(reply.events).map((t) => [t.title, t.content]), [['slow failed', 'The tools service took too long to answer.']]);
      assert.match(String(conversationSent(h.mock.requests.at(-1)!.body).find((e) => e.type === 'function_call_output')?.output), /took too long/);
      await staysUp(h, 'alice');
    } finally {
      await h.close();
    }
  });

  test('5 MB of output is cut before the model reads it', async () => {
    h = await startBackend({ agent: () => ({ mcpServers: [stdioServer(join(dir, 'big.pid'))], toolOutputMaxChars: 2_000 }) });
    try {
      h.model.enqueue({ deltas: [], toolCalls: [call('big', { chars: 5_000_000 })] }, { deltas: ['That was a lot.'] });
      const reply = await h.call('alice', createThread('big'));
      endsCleanly(reply.events);
      const output = String(conversationSent(h.mock.requests.at(-1)!.body).find((e) => e.type === 'function_call_output')?.output);
      assert.ok(output.length < 2_200, `the model got ${output.length} characters`);
      assert.match(output, /output truncated: 4998000 more characters/);
      assert.ok(reply.text.length < 100_000, 'the client stream stays small too');
    } finally {
      await h.close();
    }
  });

  test('a tool that reports an error is a failed task with its reason', async () => {
    h = await startBackend({ agent: () => ({ mcpServers: [stdioServer(join(dir, 'fail.pid'))] }) });
    try {
      h.model.enqueue({ deltas: [], toolCalls: [call('fail')] }, { deltas: ['It failed.'] });
      const reply = await h.call('alice', createThread('fail'));
      endsCleanly(reply.events);
      assert.deepEqual(tasks(reply.events).map((t) => [t.title, t.content]), [['fail failed', 'the database is locked']]);
    } finally {
      await h.close();
    }
  });

  test('a model that keeps calling tools is stopped at CHATKIT_MAX_TOOL_CALLS with a failed task and a reply that says so', async () => {
    h = await startBackend({ agent: () => ({ mcpServers: [stdioServer(join(dir, 'loop.pid'))], maxToolCalls: 2 }) });
    try {
      const loop = { deltas: [], toolCalls: [call('echo', { text: 'again' })] };
      h.model.enqueue(loop, loop, loop, loop, loop);
      const before = h.mock.requests.length;
      const reply = await h.call('alice', createThread('loop'));
      endsCleanly(reply.events);
      const titles = tasks(reply.events).map((t) => t.title);
      assert.deepEqual(titles, ['Used echo', 'Used echo', 'echo failed']);
      assert.match(tasks(reply.events)[2]!.content!, /at most 2 tool calls/);
      assert.match(texts(reply.events).join(''), /more than 2 tool calls/);
      assert.equal(h.mock.requests.length - before, 3, 'no model call after the limit');
      await staysUp(h, 'alice');
    } finally {
      await h.close();
    }
  });
});

describe('an MCP server over HTTP that fails', () => {
  test('down at start: a failed task says it is unavailable, the model is told, and the reply still comes', async () => {
    const closed = await new Promise<Server>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => resolve(s));
    });
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/mcp`;
    await new Promise((resolve) => closed.close(resolve));
    const h = await startBackend({ agent: () => ({ mcpServers: [{ name: 'todos', transport: 'http', url, headers: {}, forwardUser: false, requireApproval: [] }] }) });
    try {
      h.model.enqueue({ deltas: ['The list service is down right now.'] });
      const reply = await h.call('alice', createThread('show my list'));
      endsCleanly(reply.events);
      assert.deepEqual(tasks(reply.events).map((t) => t.title), ['todos is unavailable']);
      assert.match(JSON.stringify(conversationSent(h.mock.requests.at(-1)!.body)), /unavailable right now: todos/);
      assert.deepEqual(texts(reply.events), ['The list service is down right now.']);
      assert.equal(h.backend.mcpStatus()[0]!.state, 'failing');
      await staysUp(h, 'bob');
    } finally {
      await h.close();
    }
  });

  test('down mid-run: the call is a failed task, and a later turn reconnects when it is back', async () => {
    let todos!: TodoServer;
    let jwks = '';
    const h = await startBackend({
      agent: async ({ jwksUrl }) => {
        jwks = jwksUrl;
        todos = await startTodoMcpServer({ jwksUrl, issuer: HARNESS_PUBLIC_URL });
        return { mcpServers: [{ name: 'todos', transport: 'http', url: todos.url, headers: {}, forwardUser: true, requireApproval: [] }], toolTimeoutMs: 2_000 };
      },
    });
    const port = Number(new URL(todos.url).port);
    try {
      h.model.enqueue({ deltas: [], toolCalls: [call('add_todo', { text: 'milk' })] }, { deltas: ['Added.'] });
      await h.call('alice', createThread('add milk'));
      assert.equal(todos.todos('alice').length, 1);
      await todos.close();
      h.model.enqueue({ deltas: [], toolCalls: [call('add_todo', { text: 'eggs' })] }, { deltas: ['It failed.'] });
      const reply = await h.call('alice', createThread('add eggs'));
      endsCleanly(reply.events);
      assert.deepEqual(tasks(reply.events).map((t) => [t.title, t.content]), [['add_todo failed', 'The todos service cannot be reached.']]);

      todos = await startTodoMcpServer({ jwksUrl: jwks, issuer: HARNESS_PUBLIC_URL, port });
      await new Promise((resolve) => setTimeout(resolve, 2_100)); // past the pause after a failed connect
      h.model.enqueue({ deltas: [], toolCalls: [call('add_todo', { text: 'bread' })] }, { deltas: ['Added.'] });
      const back = await h.call('alice', createThread('add bread'));
      assert.deepEqual(tasks(back.events).map((t) => t.title), ['Used add_todo']);
      assert.deepEqual(todos.todos('alice').map((t) => t.text), ['bread']);
    } finally {
      await h.close();
      await todos.close();
    }
  });

  test('answering garbage: the server is unavailable, nothing breaks', async () => {
    const garbage = await new Promise<Server>((resolve) => {
      const s = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"this is": not json');
      }).listen(0, '127.0.0.1', () => resolve(s));
    });
    const url = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}/mcp`;
    const h = await startBackend({ agent: () => ({ mcpServers: [{ name: 'junk', transport: 'http', url, headers: {}, forwardUser: false, requireApproval: [] }] }) });
    try {
      h.model.enqueue({ deltas: ['No tools today.'] });
      const reply = await h.call('alice', createThread('hi'));
      endsCleanly(reply.events);
      assert.deepEqual(tasks(reply.events).map((t) => t.title), ['junk is unavailable']);
      await staysUp(h, 'alice');
    } finally {
      await h.close();
      await new Promise((resolve) => garbage.close(resolve));
    }
  });
});

describe('an agent function that fails', () => {
  test('gives an error event that allows retry, never its own message, and the server stays up', async () => {
    let fail = true;
    const h = await startBackend({
      agentSource: () => {
        if (fail) throw new Error('could not read /etc/agents/secret.json');
        return new Agent({ name: 'Fine', instructions: 'ok' });
      },
    });
    try {
      const reply = await h.call('alice', createThread('hi'));
      const error = reply.events.find((e) => e.type === 'error') as any;
      assert.equal(error?.allow_retry, true);
      assert.match(error.message, /assistant could not be started/);
      assert.doesNotMatch(reply.text, /secret\.json/);
      fail = false;
      await staysUp(h, 'alice');
    } finally {
      await h.close();
    }
  });
});

describe('a code tool (an Agent given in code)', () => {
  test('that throws is a failed task, and the reply says so', async () => {
    const lookup = tool({
      name: 'lookup_order',
      description: 'Looks up an order.',
      parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false } as any,
      strict: false,
      execute: async () => {
        throw new Error('orders database is down (secret connection string here)');
      },
    });
    const h = await startBackend({ agentSource: new Agent({ name: 'Shop', instructions: 'Help with orders.', tools: [lookup] }) });
    try {
      h.model.enqueue({ deltas: [], toolCalls: [call('lookup_order', { id: 'A1' })] }, { deltas: ['I could not look that up.'] });
      const reply = await h.call('alice', createThread('where is A1?'));
      endsCleanly(reply.events);
      assert.deepEqual(tasks(reply.events).map((t) => [t.title, t.content]), [['lookup_order failed', 'The tool failed.']]);
      assert.doesNotMatch(reply.text, /secret connection string/);
      assert.equal((h.mock.requests.at(-2)!.body as any).instructions, 'Help with orders.');
    } finally {
      await h.close();
    }
  });
});
