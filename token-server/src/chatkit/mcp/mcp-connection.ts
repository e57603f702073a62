/**
 * One configured MCP server: a client connection made once and reused by every user's turns, reconnected after a
 * failure, with a timeout on the connect and on every call. A stdio server is started once and stopped with the
 * server. For `forward_user` servers each HTTP request carries `Authorization: Bearer <token>` minted for the user
 * whose turn made the call (never the user's own login token).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Logger } from 'pino';
import type { McpServerConfig } from './mcp-config.js';

const CONNECT_TIMEOUT_MS = 10_000;
/** After a failed connect, calls fail at once for this long instead of each waiting for a dead server. */
const RETRY_AFTER_FAILURE_MS = 2_000;
const CLIENT_INFO = { name: 'chat-kit-widget', version: '1' };

export interface McpToolInfo {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
}

export interface McpCallResult {
  /** The text parts of the result, joined: what the model reads. */
  text: string;
  /** `structuredContent`, when the server sent it (a `widget` may be in it). */
  structured?: Record<string, unknown>;
  /** The server said the tool failed (`isError`). */
  isError: boolean;
}

export interface McpStatus {
  name: string;
  transport: 'http' | 'stdio';
  state: 'connected' | 'not_connected' | 'failing';
  tools?: number;
}

/** The token for the request being made, set around each call of a `forward_user` server. */
const forwardedToken = new AsyncLocalStorage<string>();

export class McpConnection {
  private client?: Client;
  private connecting?: Promise<Client>;
  private toolList?: McpToolInfo[];
  private failedAt = 0;
  private closed = false;

  constructor(
    readonly config: McpServerConfig,
    private readonly logger: Logger,
    private readonly defaultTimeoutMs: number,
  ) {}

  get name(): string {
    return this.config.name;
  }

  get timeoutMs(): number {
    return this.config.timeoutMs ?? this.defaultTimeoutMs;
  }

  /** The tools offered to the model: the server's list, cut to `allowed_tools`; listed once per connection. */
  async tools(token?: string): Promise<McpToolInfo[]> {
    if (this.toolList) return this.toolList;
    const client = await this.connected(token);
    const listed = await this.withToken(token, () => client.listTools(undefined, { timeout: CONNECT_TIMEOUT_MS }));
    const allowed = this.config.allowedTools;
    this.toolList = listed.tools
      .filter((tool) => !allowed || allowed.includes(tool.name))
      .map((tool) => ({ name: tool.name, description: tool.description, inputSchema: tool.inputSchema as Record<string, unknown> }));
    return this.toolList;
  }

  async call(tool: string, args: Record<string, unknown>, options: { token?: string; signal?: AbortSignal }): Promise<McpCallResult> {
    const client = await this.connected(options.token);
    try {
      const result = await this.withToken(options.token, () =>
        client.callTool({ name: tool, arguments: args }, undefined, { timeout: this.timeoutMs, signal: options.signal }),
      );
      const content = Array.isArray(result.content) ? result.content : [];
      const text = content
        .map((part: { type?: string; text?: unknown }) => (part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
        .filter(Boolean)
        .join('\n');
      const structured = result.structuredContent && typeof result.structuredContent === 'object' ? (result.structuredContent as Record<string, unknown>) : undefined;
      return { text, structured, isError: result.isError === true };
    } catch (err) {
      // A broken transport is dropped, so the next call connects again; a tool-level error keeps the connection.
      if (!this.client || isTransportFailure(err)) this.drop();
      throw err;
    }
  }

  status(): McpStatus {
    const state = this.client ? 'connected' : this.failedAt ? 'failing' : 'not_connected';
    return { name: this.name, transport: this.config.transport, state, ...(this.toolList && { tools: this.toolList.length }) };
  }

  /** Connects now (at start), so a stdio server runs from the beginning and `/readyz` knows early. */
  async warmUp(): Promise<void> {
    if (this.config.transport === 'http' && this.config.forwardUser) return; // needs a user's token: connects on first use
    await this.tools().catch((err) => this.logger.warn({ mcpServer: this.name, failure: (err as Error).name }, 'MCP server not reachable at start'));
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.drop();
    await client?.close().catch(() => undefined);
  }

  private drop(): void {
    const client = this.client;
    this.client = undefined;
    this.connecting = undefined;
    this.toolList = undefined;
    if (client) void client.close().catch(() => undefined);
  }

  private withToken<T>(token: string | undefined, work: () => Promise<T>): Promise<T> {
    return token ? forwardedToken.run(token, work) : work();
  }

  private connected(token?: string): Promise<Client> {
    if (this.closed) return Promise.reject(new Error('MCP connection closed'));
    if (this.client) return Promise.resolve(this.client);
    if (this.connecting) return this.connecting;
    if (Date.now() - this.failedAt < RETRY_AFTER_FAILURE_MS) return Promise.reject(new McpUnavailableError(this.name));
    this.connecting = this.withToken(token, () => this.connect()).then(
      (client) => {
        this.client = client;
        this.failedAt = 0;
        this.connecting = undefined;
        return client;
      },
      (err: unknown) => {
        this.failedAt = Date.now();
        this.connecting = undefined;
        this.logger.warn({ mcpServer: this.name, failure: (err as Error)?.name }, 'MCP server connection failed');
        throw new McpUnavailableError(this.name);
      },
    );
    return this.connecting;
  }

  private async connect(): Promise<Client> {
    const client = new Client(CLIENT_INFO);
    client.onclose = () => {
      if (this.client === client) this.drop();
    };
    const transport = this.transport();
    await client.connect(transport, { timeout: CONNECT_TIMEOUT_MS });
    return client;
  }

  private transport(): Transport {
    const config = this.config;
    if (config.transport === 'stdio') {
      const transport = new StdioClientTransport({
        command: config.command,
        args: config.args,
        env: { ...getDefaultEnvironment(), ...config.env },
        cwd: config.cwd,
        stderr: 'pipe',
      });
      // A stdio server's stderr is its log: keep a line of it at debug level, never let it fill a pipe.
      transport.stderr?.on('data', (chunk: Buffer) => this.logger.debug({ mcpServer: this.name, stderr: chunk.toString('utf8').slice(0, 500) }, 'MCP server stderr'));
      return transport;
    }
    const headers = config.headers;
    const forward = config.forwardUser;
    return new StreamableHTTPClientTransport(new URL(config.url), {
      fetch: (url, init) => {
        const merged = new Headers(init?.headers);
        for (const [key, value] of Object.entries(headers)) merged.set(key, value);
        const token = forward ? forwardedToken.getStore() : undefined;
        if (token) merged.set('authorization', `Bearer ${token}`);
        // Every request is bounded, whatever the SDK's own timers do (not the long-lived GET event stream).
        if (init?.method !== 'POST') return fetch(url, { ...init, headers: merged });
        const deadline = AbortSignal.timeout(this.timeoutMs + 1_000);
        return fetch(url, { ...init, headers: merged, signal: init.signal ? AbortSignal.any([init.signal, deadline]) : deadline });
      },
    });
  }
}

/** The server could not be reached (now, or on the last try a moment ago). */
export class McpUnavailableError extends Error {
  constructor(server: string) {
    super(`The MCP server "${server}" cannot be reached.`);
    this.name = 'McpUnavailableError';
  }
}

/** The call never got an answer: the server is down or the connection broke (not a tool-level error). */
export function isTransportFailure(err: unknown): boolean {
  const name = (err as Error)?.name;
  return name === 'TypeError' || name === 'AbortError' || name === 'TimeoutError' || /ECONNREFUSED|ECONNRESET|fetch failed|closed/i.test(String((err as Error)?.message));
}
