/**
 * `CHATKIT_MCP_SERVERS`: the MCP servers the agent may use, as a path to a JSON file or inline JSON, in the format
 * MCP clients commonly use: Streamable HTTP by `url` (with `headers`), stdio by `command` (with `args`, `env`).
 * `${NAME}` in a header or env value is read from the server's environment, so secrets stay out of the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

interface McpServerBase {
  /** Unique; the `aud` of forwarded user tokens and the name `/readyz` reports. */
  name: string;
  /** Only these tools are offered to the model; all when absent. */
  allowedTools?: string[];
  /** Tools that pause the run until the user approves (`true`: every tool of the server). */
  requireApproval: string[] | true;
  /** Per tool call; defaults to the agent's tool timeout. */
  timeoutMs?: number;
  /** Offered in ChatKit's composer tool menu; choosing it makes the model use this server's tools. */
  composer?: McpComposerEntry;
}

/** The `"composer"` entry: how the server appears in ChatKit's composer tool menu (`composer.tools`). */
export interface McpComposerEntry {
  label: string;
  /** A ChatKit icon name (e.g. `calendar`, `search`); `cube` when absent. */
  icon?: string;
  shortLabel?: string;
  placeholderOverride?: string;
  pinned: boolean;
}

export type McpServerConfig =
  | (McpServerBase & { transport: 'http'; url: string; headers: Record<string, string>; forwardUser: boolean })
  | (McpServerBase & { transport: 'stdio'; command: string; args: string[]; env: Record<string, string>; cwd?: string });

const name = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'needs a "name" of letters, digits, _ or - (at most 64)');
const stringMap = z.record(z.string(), z.string());
const toolList = z.array(z.string().min(1)).max(256);

const composer = z
  .object({
    label: z.string({ error: '"composer" needs a "label"' }).trim().min(1, '"composer" needs a "label"').max(60, '"composer.label" may be at most 60 characters'),
    icon: z.string().regex(/^[a-z0-9-]{1,40}$/, '"composer.icon" must be a ChatKit icon name such as "calendar"').optional(),
    short_label: z.string().trim().min(1).max(30).optional(),
    placeholder_override: z.string().trim().min(1).max(200).optional(),
    pinned: z.boolean().optional(),
  })
  .strict();

const entry = z
  .object({
    name,
    url: z
      .string()
      .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), '"url" must be an http(s) URL')
      .optional(),
    headers: stringMap.optional(),
    forward_user: z.boolean().optional(),
    command: z.string().min(1).optional(),
    args: z.array(z.string()).optional(),
    env: stringMap.optional(),
    cwd: z.string().optional(),
    allowed_tools: toolList.optional(),
    require_approval: z.union([toolList, z.enum(['always', 'never'])]).optional(),
    timeout_ms: z.number().int().min(100).max(600_000).optional(),
    composer: composer.optional(),
  })
  .strict()
  .refine((s) => Boolean(s.url) !== Boolean(s.command), 'needs exactly one of "url" (Streamable HTTP) or "command" (stdio)')
  .refine((s) => !s.command || (!s.headers && s.forward_user === undefined), '"headers" and "forward_user" are for "url" servers')
  .refine((s) => !s.url || (!s.args && !s.env && !s.cwd), '"args", "env" and "cwd" are for "command" servers');

const list = z.array(entry).max(32);

/** Replaces `${NAME}` with the environment's value; a missing one is an error, never an empty secret. */
function expand(value: string, env: Record<string, string | undefined>, where: string): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, variable: string) => {
    const found = env[variable];
    if (found === undefined) throw new Error(`${where} names \${${variable}}, which is not set`);
    return found;
  });
}

const expandAll = (map: Record<string, string> | undefined, env: Record<string, string | undefined>, where: string) =>
  Object.fromEntries(Object.entries(map ?? {}).map(([key, value]) => [key, expand(value, env, `${where} "${key}"`)]));

/** Parses the variable's value; throws an Error whose message says what is wrong (the caller names the variable). */
export function parseMcpServers(raw: string, env: Record<string, string | undefined>): McpServerConfig[] {
  const inline = raw.trimStart().startsWith('[');
  let json: unknown;
  if (inline) {
    json = parseJson(raw, 'is not valid JSON');
  } else {
    const path = resolve(raw);
    if (!existsSync(path)) throw new Error(`must be inline JSON or the path of a JSON file; ${path} does not exist`);
    json = parseJson(readFileSync(path, 'utf8'), `names ${path}, which is not valid JSON`);
  }
  const result = list.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const at = typeof issue.path[0] === 'number' ? ` (server ${issue.path[0] + 1}${issue.path.length > 1 ? `, ${issue.path.slice(1).join('.')}` : ''})` : '';
    throw new Error(`must be a JSON list of MCP servers: ${issue.message}${at}`);
  }
  const seen = new Set<string>();
  return result.data.map((server): McpServerConfig => {
    if (seen.has(server.name)) throw new Error(`names the MCP server "${server.name}" twice`);
    seen.add(server.name);
    const requireApproval: string[] | true =
      server.require_approval === 'always' ? true : server.require_approval === 'never' ? [] : (server.require_approval ?? []);
    const base = {
      name: server.name,
      allowedTools: server.allowed_tools,
      requireApproval,
      timeoutMs: server.timeout_ms,
      composer: server.composer && {
        label: server.composer.label,
        icon: server.composer.icon,
        shortLabel: server.composer.short_label,
        placeholderOverride: server.composer.placeholder_override,
        pinned: server.composer.pinned ?? false,
      },
    };
    if (server.url)
      return { ...base, transport: 'http', url: server.url, headers: expandAll(server.headers, env, `"${server.name}" header`), forwardUser: server.forward_user ?? false };
    return {
      ...base,
      transport: 'stdio',
      command: server.command!,
      args: server.args ?? [],
      env: expandAll(server.env, env, `"${server.name}" env`),
      cwd: server.cwd,
    };
  });
}

function parseJson(text: string, problem: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(problem);
  }
}
