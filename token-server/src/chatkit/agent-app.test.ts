/**
 * The agent host as a site owner configures it, through the real `loadConfig` and `createApp`: an agent module
 * (the example in examples/agents), an `Agent` given in code, OpenAI hosted tools, MCP servers in /readyz, the
 * server's JWKS, and configuration mistakes that stop the start with one line.
 */
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { Agent } from '@openai/agents';
import { SignJWT } from 'jose';
import { ConfigError, loadConfig } from '../config.js';
import { startOpenAIMock, type OpenAIMock } from '../../test-support/openai-mock.js';
import { scriptedModel, type ScriptedModel } from '../../test-support/openai-mock-model.js';
import { startTestApp, type TestServer } from '../../test-support/start-app.js';
import { createThread, parseEvents } from './testing/harness.js';

const EXAMPLE_AGENT = fileURLToPath(new URL('../../../examples/agents/order-status-agent.ts', import.meta.url));
const STDIO_SERVER = fileURLToPath(new URL('../../test-support/mcp-stdio-server.ts', import.meta.url));
const USER_SECRET = 'site-user-jwt-secret-at-least-32-bytes!!';
const dir = mkdtempSync(join(tmpdir(), 'ckw-agent-app-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function chat(server: TestServer, userId: string, body: unknown) {
  const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setExpirationTime('5m').sign(new TextEncoder().encode(USER_SECRET));
  const res = await fetch(`${server.url}/api/chatkit`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  return parseEvents(await res.text());
}

describe('an agent configured by the site owner', () => {
  let mock: OpenAIMock;
  let model: ScriptedModel;
  const env = () => ({ AUTH_JWT_SECRET: USER_SECRET, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: mock.baseURL });
  before(async () => {
    model = scriptedModel();
    mock = await startOpenAIMock(model.routes);
  });
  after(() => mock.close());

  test('CHATKIT_AGENT_MODULE: the example module is loaded, gets the user, and its tool result shows as a widget', async () => {
    const server = await startTestApp({ env: { ...env(), CHATKIT_AGENT_MODULE: EXAMPLE_AGENT } });
    try {
      model.enqueue({ deltas: [], toolCalls: [{ name: 'look_up_order', arguments: '{"order_number":"a1001"}' }] }, { deltas: ['It shipped; it arrives Thursday.'] });
      const events = await chat(server, 'customer_42', createThread('Where is my order A1001?'));
      const first = mock.requests.at(-2)!.body as any;
      assert.match(first.instructions, /small shop/);
      assert.match(first.instructions, /customer_42/);
      const widget = events.find((e) => e.type === 'thread.item.done' && e.item.type === 'widget') as any;
      assert.equal(widget?.item.widget.type, 'Card');
      assert.match(JSON.stringify(widget.item.widget), /Order A1001.*Shipped/);
      const answer = events.find((e) => e.type === 'thread.item.done' && e.item.type === 'assistant_message') as any;
      assert.equal(answer?.item.content[0].text, 'It shipped; it arrives Thursday.');
      const ready = await (await fetch(`${server.url}/readyz`)).json();
      assert.equal(ready.features.agent_tools.on, true);
    } finally {
      await server.close();
    }
  });

  test('createApp(config, { agent }): an Agent from code replaces the configured one', async () => {
    const server = await startTestApp({ env: env(), deps: { agent: new Agent({ name: 'Pirate', instructions: 'Answer like a pirate.' }) } });
    try {
      model.enqueue({ deltas: ['Arr!'] });
      const events = await chat(server, 'u1', createThread('hi'));
      assert.equal((mock.requests.at(-1)!.body as any).instructions, 'Answer like a pirate.');
      assert.ok(events.some((e) => e.type === 'thread.item.done' && e.item.type === 'assistant_message'));
    } finally {
      await server.close();
    }
  });

  test('CHATKIT_HOSTED_TOOLS: web search, file search on a vector store and code interpreter are offered on the Responses API', async () => {
    const server = await startTestApp({ env: { ...env(), CHATKIT_HOSTED_TOOLS: 'web_search,file_search:vs_docs,code_interpreter' } });
    try {
      model.enqueue({ deltas: ['ok'] });
      await chat(server, 'u1', createThread('search'));
      const tools = (mock.requests.at(-1)!.body as any).tools as any[];
      assert.deepEqual(tools.map((t) => t.type).sort(), ['code_interpreter', 'file_search', 'web_search']);
      assert.deepEqual(tools.find((t) => t.type === 'file_search').vector_store_ids, ['vs_docs']);
    } finally {
      await server.close();
    }
  });

  test('a hosted tool the model ran is shown as a task, before the answer it led to', async () => {
    const server = await startTestApp({ env: { ...env(), CHATKIT_HOSTED_TOOLS: 'web_search' } });
    try {
      model.enqueue({ deltas: ['It is sunny.'], hostedCalls: [{ type: 'web_search_call', query: 'weather in Oslo' }] });
      const events = await chat(server, 'u1', createThread('weather in Oslo?'));
      const order = events.flatMap((e) => (e.type === 'thread.item.done' ? [e.item.type] : []));
      assert.deepEqual(order, ['user_message', 'workflow', 'assistant_message']);
      const workflow = events.find((e) => e.type === 'thread.item.done' && e.item.type === 'workflow') as any;
      assert.deepEqual(workflow.item.workflow.tasks, [{ type: 'custom', title: 'Used web search', icon: 'check-circle', content: 'weather in Oslo', status_indicator: 'complete' }]);
    } finally {
      await server.close();
    }
  });

  test('CHATKIT_MCP_SERVERS from a file: /readyz lists each server and its state, and the start does not wait for them', async () => {
    const file = join(dir, 'mcp.json');
    writeFileSync(file, JSON.stringify([{ name: 'tools', command: process.execPath, args: ['--import', 'tsx', STDIO_SERVER] }]));
    const server = await startTestApp({ env: { ...env(), CHATKIT_MCP_SERVERS: file } });
    try {
      for (let i = 0; i < 200; i++) {
        const ready = await (await fetch(`${server.url}/readyz`)).json();
        assert.equal(ready.ready, true);
        // Connected comes a moment before its tools are listed.
        if (ready.mcp_servers[0].state === 'connected' && ready.mcp_servers[0].tools !== undefined) {
          assert.deepEqual(ready.mcp_servers, [{ name: 'tools', transport: 'stdio', state: 'connected', tools: 4 }]);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.fail('the stdio server never connected');
    } finally {
      await server.close();
    }
  });

  test('the JWKS is the same on every instance with the same SIGNING_KEY, and differs for another key', async () => {
    const a = await startTestApp({ env: env() });
    const b = await startTestApp({ env: env() });
    const c = await startTestApp({ env: { ...env(), SIGNING_KEY: 'another-signing-key-0123456789abcdef0123' } });
    try {
      const jwks = async (server: TestServer) => (await fetch(`${server.url}/.well-known/jwks.json`)).json();
      const [ja, jb, jc] = await Promise.all([jwks(a), jwks(b), jwks(c)]);
      assert.equal(ja.keys.length, 1);
      assert.equal(ja.keys[0].kty, 'OKP');
      assert.equal(ja.keys[0].crv, 'Ed25519');
      assert.equal(ja.keys[0].d, undefined, 'never the private part');
      assert.deepEqual(ja, jb);
      assert.notDeepEqual(ja, jc);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});

describe('agent configuration mistakes stop the start with one line naming the variable', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['CHATKIT_MCP_SERVERS', { CHATKIT_MCP_SERVERS: '[{"name":"x"' }, /^CHATKIT_MCP_SERVERS is not valid JSON$/],
    ['CHATKIT_MCP_SERVERS', { CHATKIT_MCP_SERVERS: '/nowhere/mcp.json' }, /^CHATKIT_MCP_SERVERS must be inline JSON or the path of a JSON file/],
    ['CHATKIT_MCP_SERVERS', { CHATKIT_MCP_SERVERS: '[{"name":"a","url":"ftp://x"}]' }, /url.*http\(s\).*server 1/],
    ['CHATKIT_MCP_SERVERS', { CHATKIT_MCP_SERVERS: '[{"name":"a"}]' }, /exactly one of "url".*or "command"/],
    ['CHATKIT_MCP_SERVERS', { CHATKIT_MCP_SERVERS: '[{"name":"a","command":"x"},{"name":"a","command":"y"}]' }, /names the MCP server "a" twice/],
    ['CHATKIT_MCP_SERVERS', { CHATKIT_MCP_SERVERS: '[{"name":"a","url":"http://x","headers":{"x-key":"${NOT_SET_ANYWHERE}"}}]' }, /NOT_SET_ANYWHERE/],
    ['PUBLIC_URL', { CHATKIT_MCP_SERVERS: '[{"name":"a","url":"http://x","forward_user":true}]' }, /^PUBLIC_URL must be set when an MCP server/],
    ['CHATKIT_MCP_SERVERS', { CHATKIT_MCP_SERVERS: '[{"name":"a","command":"x","composer":{}}]' }, /"composer" needs a "label".*server 1, composer\.label/],
    ['CHATKIT_MCP_SERVERS', { CHATKIT_MCP_SERVERS: '[{"name":"a","command":"x","composer":{"label":"A","icon":"Not An Icon"}}]' }, /"composer\.icon" must be a ChatKit icon name/],
    ['CHATKIT_MCP_SERVERS', { CHATKIT_MCP_SERVERS: '[{"name":"a","command":"x","composer":{"label":"A","colour":"red"}}]' }, /colour/],
    ['CHATKIT_HOSTED_TOOLS', { CHATKIT_HOSTED_TOOLS: 'web_search,telepathy' }, /"telepathy" is none of them/],
    ['CHATKIT_HOSTED_TOOLS', { CHATKIT_HOSTED_TOOLS: 'web_search', CHATKIT_MODEL_API: 'chat_completions' }, /needs CHATKIT_MODEL_API=responses/],
    ['CHATKIT_MAX_TOOL_CALLS', { CHATKIT_MAX_TOOL_CALLS: '0' }, /whole number from 1 to 100/],
  ];
  for (const [variable, env, message] of cases)
    test(`${variable}=${Object.values(env)[0]}`, () => {
      assert.throws(
        () => loadConfig(env),
        (err: unknown) => err instanceof ConfigError && err.variable === variable && message.test(err.message) && !err.message.includes('\n'),
      );
    });

  test('a "composer" entry makes an MCP server a composer tool, with its label, icon and placement', () => {
    const config = loadConfig({
      CHATKIT_MCP_SERVERS:
        '[{"name":"cal","command":"x","composer":{"label":"Calendar","icon":"calendar","short_label":"Cal","placeholder_override":"Which day?","pinned":true}},{"name":"b","command":"y"}]',
    });
    const [cal, plain] = config.chatkit.agent.mcpServers;
    assert.deepEqual(cal!.composer, { label: 'Calendar', icon: 'calendar', shortLabel: 'Cal', placeholderOverride: 'Which day?', pinned: true });
    assert.equal(plain!.composer, undefined);
  });

  test('header values name environment variables instead of holding secrets', () => {
    const config = loadConfig({ CHATKIT_MCP_SERVERS: '[{"name":"a","url":"http://x","headers":{"x-key":"Bearer ${MCP_KEY}"}}]', MCP_KEY: 'k-123' });
    const server = config.chatkit.agent.mcpServers[0]!;
    assert.equal(server.transport === 'http' && server.headers['x-key'], 'Bearer k-123');
  });

  test('CHATKIT_AGENT_MODULE without a usable default export stops the start', async () => {
    const file = join(dir, 'no-default.mjs');
    writeFileSync(file, 'export const agent = 1;\n');
    await assert.rejects(startTestApp({ env: { CHATKIT_AGENT_MODULE: file } }), (err: unknown) => err instanceof ConfigError && /default export/.test(err.message));
    await assert.rejects(startTestApp({ env: { CHATKIT_AGENT_MODULE: join(dir, 'missing.mjs') } }), (err: unknown) => err instanceof ConfigError && /could not be loaded/.test(err.message));
  });
});
