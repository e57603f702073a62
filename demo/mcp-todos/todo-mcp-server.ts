/**
 * A small MCP server of the demo's: a to-do list per user over Streamable HTTP, built with the MCP SDK. It acts
 * only for the user named in the forwarded JWT the token server mints for each call (EdDSA, verified against the
 * token server's `/.well-known/jwks.json`, `aud` = this server's name, `iss` = the token server's PUBLIC_URL), so
 * one user can never see or change another's list. `list_todos` also returns a ChatKit widget.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { z } from 'zod';

export interface TodoServerOptions {
  /** The token server's JWKS (`{PUBLIC_URL}/.well-known/jwks.json`). */
  jwksUrl: string;
  /** The token server's PUBLIC_URL: the `iss` of the tokens it forwards. */
  issuer: string;
  /** This server's name in CHATKIT_MCP_SERVERS: the `aud` of the tokens it receives. */
  audience?: string;
  host?: string;
  port?: number;
}

export interface Todo {
  id: number;
  text: string;
}

export interface TodoServer {
  url: string;
  /** A user's list, for tests. */
  todos(userId: string): Todo[];
  /** The users the server has acted for, in order (one entry per tool call), for tests. */
  callers: string[];
  close(): Promise<void>;
}

const MAX_TODOS = 100;
const MAX_BODY_BYTES = 64 * 1024;

function listWidget(todos: Todo[]) {
  return {
    type: 'ListView',
    children:
      todos.length === 0
        ? [{ type: 'ListViewItem', children: [{ type: 'Text', value: 'Your list is empty.', color: 'secondary' }] }]
        : todos.map((todo) => ({
            type: 'ListViewItem',
            key: String(todo.id),
            children: [
              { type: 'Text', value: todo.text },
              { type: 'Caption', value: `#${todo.id}` },
            ],
          })),
  };
}

function buildMcpServer(userId: string, lists: Map<string, Todo[]>, callers: string[]): McpServer {
  const server = new McpServer({ name: 'demo-todos', version: '1.0.0' });
  const list = () => lists.get(userId) ?? (lists.set(userId, []), lists.get(userId)!);
  const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });

  server.registerTool(
    'add_todo',
    { description: "Adds an item to the user's to-do list.", inputSchema: { text: z.string().min(1).max(200) } },
    async ({ text: item }) => {
      callers.push(userId);
      const todos = list();
      if (todos.length >= MAX_TODOS) return { ...text(`The list is full (${MAX_TODOS} items).`), isError: true };
      const todo = { id: Math.max(0, ...todos.map((t) => t.id)) + 1, text: item };
      todos.push(todo);
      return text(`Added "${todo.text}" as #${todo.id}.`);
    },
  );
  server.registerTool('list_todos', { description: "Shows the user's to-do list." }, async () => {
    callers.push(userId);
    const todos = list();
    const summary = todos.length ? todos.map((t) => `#${t.id} ${t.text}`).join('\n') : 'The list is empty.';
    return { ...text(summary), structuredContent: { widget: listWidget(todos), todos } };
  });
  server.registerTool(
    'delete_todo',
    { description: "Deletes an item from the user's to-do list by its number.", inputSchema: { id: z.number().int().positive() } },
    async ({ id }) => {
      callers.push(userId);
      const todos = list();
      const index = todos.findIndex((t) => t.id === id);
      if (index < 0) return { ...text(`There is no item #${id}.`), isError: true };
      const [removed] = todos.splice(index, 1);
      return text(`Deleted "${removed!.text}".`);
    },
  );
  return server;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export async function startTodoMcpServer(options: TodoServerOptions): Promise<TodoServer> {
  const keys = createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: 5_000 });
  const audience = options.audience ?? 'todos';
  const lists = new Map<string, Todo[]>();
  const callers: string[] = [];

  const httpServer: Server = createServer(async (req, res) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/mcp') return sendJson(res, 404, { error: 'not found' });
    // Stateless: every request is a whole exchange, so no session outlives the user it was made for.
    if (req.method !== 'POST') return sendJson(res, 405, { jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null });
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    let userId: string;
    try {
      const { payload } = await jwtVerify(token ?? '', keys, { issuer: options.issuer, audience, algorithms: ['EdDSA'], requiredClaims: ['sub', 'exp'] });
      userId = payload.sub!;
    } catch {
      return sendJson(res, 401, { jsonrpc: '2.0', error: { code: -32001, message: 'A valid token from the chat server is required.' }, id: null });
    }
    let body: unknown;
    try {
      body = await readBody(req);
    } catch {
      return sendJson(res, 400, { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error.' }, id: null });
    }
    const server = buildMcpServer(userId, lists, callers);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  });
  await new Promise<void>((resolve) => httpServer.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/mcp`,
    todos: (userId) => [...(lists.get(userId) ?? [])],
    callers,
    close: () =>
      new Promise<void>((resolve) => {
        httpServer.closeAllConnections();
        httpServer.close(() => resolve());
      }),
  };
}
