/**
 * Where the agent comes from: an Agents SDK `Agent` (or a function of the turn's context returning one) given to
 * `createApp(config, { agent })`, the default export of `CHATKIT_AGENT_MODULE` (e.g. the TypeScript an Agent
 * Builder workflow exports), or, when neither is set, one built from `CHATKIT_MODEL` and `CHATKIT_INSTRUCTIONS`.
 */
import { pathToFileURL } from 'node:url';
import { Agent } from '@openai/agents';

/** What a `(context) => Agent` function receives for each turn. */
export interface AgentContext {
  /** The ChatKit user: the site user's JWT `sub`, or `anon_<id>` for a visitor. */
  userId: string;
  threadId: string;
  /** Aborted when the reply is stopped (the user pressed stop, or the server is shutting down). */
  signal: AbortSignal;
}

export type AgentSource = Agent<any, any> | ((context: AgentContext) => Agent<any, any> | Promise<Agent<any, any>>);

/** An Agent, also one made by another copy of the SDK (a module with its own node_modules). */
function isAgent(value: unknown): value is Agent<any, any> {
  if (value instanceof Agent) return true;
  const candidate = value as Partial<Agent<any, any>> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.clone === 'function' && typeof candidate.name === 'string' && Array.isArray(candidate.tools);
}

/** The site owner's agent function threw, or returned something that is not an Agent. */
export class AgentStartError extends Error {
  constructor(cause: unknown) {
    super('The agent could not be made for this turn.', { cause });
    this.name = 'AgentStartError';
  }
}

export async function resolveAgent(source: AgentSource, context: AgentContext): Promise<Agent<any, any>> {
  if (isAgent(source)) return source;
  let agent: unknown;
  try {
    agent = await source(context);
  } catch (err) {
    throw new AgentStartError(err);
  }
  if (!isAgent(agent)) throw new AgentStartError(new TypeError('The agent function did not return an Agents SDK Agent.'));
  return agent;
}

/** Imports the module at start, so a wrong path or export stops the server with one clear line. */
export async function loadAgentModule(path: string): Promise<AgentSource> {
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (err) {
    throw new Error(`could not be loaded (${(err as Error)?.message?.split('\n')[0] ?? 'unknown error'})`);
  }
  const exported = module.default;
  if (isAgent(exported) || typeof exported === 'function') return exported as AgentSource;
  throw new Error('must have a default export that is an Agents SDK Agent or a function (context) => Agent.');
}
