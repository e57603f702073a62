/**
 * A real MCP server over stdio for the tests, started as a child process by the agent host (`command: node`):
 * `echo` returns its text, `slow` answers after `ms`, `big` returns `chars` characters, `fail` reports a tool
 * error. It writes its pid to `$PID_FILE` so a test can check it is stopped with the server.
 */
import { writeFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

if (process.env.PID_FILE) writeFileSync(process.env.PID_FILE, String(process.pid));

const server = new McpServer({ name: 'test-stdio', version: '1.0.0' });
const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });
server.registerTool('echo', { description: 'Echoes text.', inputSchema: { text: z.string() } }, async ({ text: value }) => text(`echo: ${value}`));
server.registerTool('slow', { description: 'Answers late.', inputSchema: { ms: z.number() } }, async ({ ms }) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return text('finally');
});
server.registerTool('big', { description: 'Returns a lot.', inputSchema: { chars: z.number() } }, async ({ chars }) => text('x'.repeat(chars)));
server.registerTool('fail', { description: 'Always fails.' }, async () => ({ ...text('the database is locked'), isError: true }));
await server.connect(new StdioServerTransport());
