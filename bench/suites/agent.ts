/**
 * Agent figures: a reply that makes one MCP tool call (a local stdio MCP server's `echo`, the zero-latency mock
 * model calling it once, then streaming the usual reply) beside the same reply without a tool, from two token
 * servers started the same way: replies per second at 8 concurrent clients and server CPU per reply.
 */
import { fileURLToPath } from 'node:url';
import type { BenchFlags } from '../harness/args.js';
import type { Host } from '../harness/hosts.js';
import { createIdentity, userTokens } from '../harness/identity.js';
import type { Report } from '../harness/report.js';
import { THREADS_CREATE } from '../harness/scripted-reply.js';
import { streamingAgent, timeStream } from '../harness/sse-client.js';
import { startMock, startTokenServer, type TokenServer } from '../harness/stack.js';
import { runConcurrently } from '../harness/stats.js';

// Plain TypeScript that Node 24 runs as is: the tool server is not what is measured, but it must not need tsx.
const STDIO_SERVER = fileURLToPath(new URL('../../token-server/test-support/mcp-stdio-server.ts', import.meta.url));
const USERS = 2_000;
const CONCURRENCY = 8;
const REPLIES = 1_000;
const TIME_LIMIT_MS = 60_000;

interface Run {
  replies: number;
  failures: number;
  firstFailure?: string;
  seconds: number;
  cpuMsPerReply: number;
}

async function measure(server: Host, tokens: string[], count: number): Promise<Run> {
  const agent = streamingAgent(CONCURRENCY);
  const before = await server.probe();
  const started = performance.now();
  const run: Run = { replies: 0, failures: 0, seconds: 0, cpuMsPerReply: 0 };
  try {
    await runConcurrently(count, CONCURRENCY, Date.now() + TIME_LIMIT_MS, async (index) => {
      const timing = await timeStream(`${server.url}/api/chatkit`, THREADS_CREATE, { authorization: `Bearer ${tokens[index % USERS]}` }, agent);
      if (timing.failure) {
        run.failures++;
        run.firstFailure ??= timing.failure;
      } else run.replies++;
    });
  } finally {
    agent.destroy();
  }
  const after = await server.probe();
  run.seconds = (performance.now() - started) / 1000;
  run.cpuMsPerReply = (after.cpuUs - before.cpuUs) / 1000 / Math.max(1, run.replies);
  return run;
}

async function untilConnected(server: TokenServer): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { mcp_servers?: { state: string }[] };
    if (ready.mcp_servers?.[0]?.state === 'connected') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the bench MCP server never connected');
}

export async function agentSuite(report: Report, _flags: BenchFlags): Promise<void> {
  const identity = await createIdentity();
  const tokens = await userTokens(identity, USERS);
  const mock = await startMock(identity);
  const plain = await startTokenServer(mock, 'token-server-plain');
  const mcpServers = JSON.stringify([{ name: 'bench-tools', command: process.execPath, args: [STDIO_SERVER], allowed_tools: ['echo'] }]);
  const withTool = await startTokenServer(mock, 'token-server-mcp', [], { CHATKIT_MCP_SERVERS: mcpServers });
  try {
    await untilConnected(withTool);
    // Warm both the same way, then measure them in turn.
    await measure(plain, tokens, 100);
    await measure(withTool, tokens, 100);
    const base = await measure(plain, tokens, REPLIES);
    const tool = await measure(withTool, tokens, REPLIES);
    if (tool.failures || base.failures) report.warn(`agent: failures (with tool ${tool.failures}: ${tool.firstFailure ?? ''}; without ${base.failures}: ${base.firstFailure ?? ''})`);
    const note = `${CONCURRENCY} concurrent; ${tool.replies} / ${base.replies} replies; stdio MCP server, zero-latency mock model`;
    report.add({
      suite: 'agent',
      name: 'reply with one MCP tool call: throughput',
      value: tool.replies / tool.seconds,
      unit: 'req/s',
      baseline: { name: 'same reply without a tool', value: base.replies / base.seconds },
      note,
    });
    report.add({
      suite: 'agent',
      name: 'reply with one MCP tool call: server CPU per reply',
      value: tool.cpuMsPerReply,
      unit: 'ms',
      baseline: { name: 'same reply without a tool', value: base.cpuMsPerReply },
      note: 'token server process only (two model calls and one MCP call per reply)',
    });
  } finally {
    await withTool.stop();
    await plain.stop();
    await mock.stop();
  }
}
