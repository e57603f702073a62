/**
 * What the server counts for operators, as one small typed interface the rest of the code calls, backed by
 * prom-client. Every label value is one of a fixed set chosen here (or a matched route pattern), never client
 * text: no user id, token, URL or message can reach a label, and label sets stay bounded.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type ModelCallOutcome = 'ok' | 'error' | 'timeout' | 'cancelled';
export type ToolCallOutcome = 'ok' | 'error' | 'denied';
/** Who runs the tool: the browser (`onClientTool`), this server (code tools and MCP servers), or OpenAI (hosted tools). */
export type ToolKind = 'client' | 'server' | 'hosted';
export type UpstreamService = 'model' | 'hosted_sessions' | 'transcription';
export type UpstreamErrorKind = 'timeout' | 'connection' | 'rate_limited' | 'http_4xx' | 'http_5xx' | 'stream' | 'bad_answer';

/** One reply's clock, from `replyStarted()`. */
export interface ReplyTimer {
  /** The model's first output (text or a tool call) reached the stream; only the first call counts. */
  firstEvent(): void;
  /** The reply is over, however it ended; only the first call counts. */
  end(): void;
}

export interface Metrics {
  /** An answered HTTP request, by matched route pattern (see `matchedRoute`) and status. */
  httpRequest(route: string, status: number): void;
  /** A request refused by a rate limit, by matched route pattern. */
  rateLimited(route: string): void;
  /** An event stream opened; call the returned function once when it closes. */
  streamOpened(): () => void;
  replyStarted(): ReplyTimer;
  modelCall(outcome: ModelCallOutcome): void;
  toolCall(outcome: ToolCallOutcome, kind: ToolKind): void;
  upstreamError(service: UpstreamService, kind: UpstreamErrorKind): void;
  /** A log line dropped because stdout was not keeping up. */
  logLineDropped(): void;
}

export interface MetricsRegistry extends Metrics {
  /** Everything in Prometheus text format, and the content type to answer it with. */
  text(): Promise<string>;
  readonly contentType: string;
}

const PREFIX = 'ckw_';

export interface MetricsOptions {
  /** Adds prom-client's process and Node.js defaults (CPU, memory, event loop lag, GC...). Only for a registry
   * that is served: they start an event-loop monitor and a GC observer for the process's lifetime. */
  processDefaults?: boolean;
}

export function createMetrics({ processDefaults = false }: MetricsOptions = {}): MetricsRegistry {
  const registry = new Registry();
  if (processDefaults) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const httpRequests = new Counter({
    name: `${PREFIX}http_requests_total`,
    help: 'HTTP requests answered, by matched route pattern and status code.',
    labelNames: ['route', 'status'] as const,
    registers,
  });
  const rateLimited = new Counter({
    name: `${PREFIX}rate_limited_requests_total`,
    help: 'Requests refused with 429 by a rate limit, by matched route pattern.',
    labelNames: ['route'] as const,
    registers,
  });
  const openStreams = new Gauge({ name: `${PREFIX}open_streams`, help: 'ChatKit event streams open right now.', registers });
  const firstEvent = new Histogram({
    name: `${PREFIX}reply_time_to_first_event_seconds`,
    help: "Time from a reply's start to the model's first output on the stream.",
    buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
    registers,
  });
  const replyDuration = new Histogram({
    name: `${PREFIX}reply_duration_seconds`,
    help: "Time from a reply's start to its end (answered, failed or stopped).",
    buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
    registers,
  });
  const modelCalls = new Counter({
    name: `${PREFIX}model_calls_total`,
    help: 'Model calls (one agent run per reply), by outcome (ok, error, timeout, cancelled).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const toolCalls = new Counter({
    name: `${PREFIX}tool_calls_total`,
    help: 'Tool calls, by outcome (ok, error, denied) and kind (client, server, hosted).',
    labelNames: ['outcome', 'kind'] as const,
    registers,
  });
  const upstreamErrors = new Counter({
    name: `${PREFIX}upstream_errors_total`,
    help: 'Failed calls to services this server depends on, by service and kind of failure.',
    labelNames: ['service', 'kind'] as const,
    registers,
  });
  const droppedLogLines = new Counter({
    name: `${PREFIX}log_lines_dropped_total`,
    help: 'Log lines dropped because stdout was not being read fast enough.',
    registers,
  });

  return {
    httpRequest: (route, status) => httpRequests.inc({ route, status: String(status) }),
    rateLimited: (route) => rateLimited.inc({ route }),
    streamOpened() {
      openStreams.inc();
      let open = true;
      return () => {
        if (open) openStreams.dec();
        open = false;
      };
    },
    replyStarted() {
      const sinceStart = () => Number(process.hrtime.bigint() - started) / 1e9;
      const started = process.hrtime.bigint();
      let first = false;
      let ended = false;
      return {
        firstEvent() {
          if (!first && !ended) firstEvent.observe(sinceStart());
          first = true;
        },
        end() {
          if (!ended) replyDuration.observe(sinceStart());
          ended = true;
        },
      };
    },
    modelCall: (outcome) => modelCalls.inc({ outcome }),
    toolCall: (outcome, kind) => toolCalls.inc({ outcome, kind }),
    upstreamError: (service, kind) => upstreamErrors.inc({ service, kind }),
    logLineDropped: () => droppedLogLines.inc(),
    text: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
