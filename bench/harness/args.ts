/** Command-line flags of `npm run bench`, each with a default that keeps the whole run under ten minutes on 2 cores. */

export const SUITES = ['token', 'backend', 'streams', 'agent', 'widget', 'memory', 'instances', 'uploads'] as const;
/** What a bare `npm run bench` runs: `instances` (PostgreSQL + Redis, about 40 s) would push the run past its ten minutes. */
const DEFAULT_SUITES: SuiteName[] = ['token', 'backend', 'streams', 'agent', 'widget', 'memory', 'uploads'];
export type SuiteName = (typeof SUITES)[number];

export interface BenchFlags {
  /** Suites to run, in this order. */
  only: SuiteName[];
  /** Length of each autocannon measurement, in ms. */
  durationMs: number;
  /** Length of the mixed-load soak in the memory suite, in ms (the 10 minutes does not fit the run's budget). */
  soakMs: number;
  /** Secrets issued before the bounded-store RSS reading. */
  secrets: number;
  /** Replies streamed before the backend RSS reading. */
  replies: number;
  /** Cold page loads per widget variant. */
  runs: number;
  /** Another build's `dist/widget` folder (an older commit's, say): the widget pages load it too, interleaved, and its medians are printed beside. */
  compare?: string;
  /**
   * Another checkout's root with its own `node_modules` and `dist/server` (an older commit's): the backend and token
   * suites run it beside this build, in alternating rounds, for CPU per reply (or request) and throughput before/after
   * in one run.
   */
  compareServer?: string;
  /** Whole-run deadline, in ms: past it every child is stopped and the run fails. */
  deadlineMs: number;
  /** `deadlineMs` from when the flags were read, as a clock time (ms since epoch): suites fit their open-ended parts under it. */
  deadlineAt: number;
}

const DEFAULTS: Omit<BenchFlags, 'deadlineAt'> = {
  only: DEFAULT_SUITES,
  durationMs: 4_000,
  soakMs: 60_000,
  secrets: 100_000,
  replies: 10_000,
  runs: 7,
  deadlineMs: 570_000,
};

/** Parses `120s`, `2m`, `500ms` or a bare number of seconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) throw new Error(`--${flag}: expected a duration like 120s, 2m or 500ms, got "${text}"`);
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  return Math.round(value * (unit === 'ms' ? 1 : unit === 's' ? 1_000 : 60_000));
}

function parseCount(text: string, flag: string): number {
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${flag}: expected a positive whole number, got "${text}"`);
  return value;
}

function parseSuites(text: string): SuiteName[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    if (!(SUITES as readonly string[]).includes(name)) throw new Error(`--only: unknown suite "${name}" (known: ${SUITES.join(', ')})`);
  }
  return SUITES.filter((s) => names.includes(s));
}

export const USAGE = `usage: npm run bench -- [--only=${SUITES.join(',')}] [--duration=4s] [--soak=60s]
                       [--secrets=100000] [--replies=10000] [--runs=7] [--deadline=570s]
                       [--compare=<another build's dist/widget>] [--compare-server=<another checkout with dist/server>]`;

export function parseFlags(argv: string[]): BenchFlags {
  const flags: Omit<BenchFlags, 'deadlineAt'> = { ...DEFAULTS };
  for (const arg of argv) {
    const match = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (!match) throw new Error(`unknown argument "${arg}"\n${USAGE}`);
    const [, name, value] = match as unknown as [string, string, string];
    switch (name) {
      case 'only': flags.only = parseSuites(value); break;
      case 'duration': flags.durationMs = parseDuration(value, name); break;
      case 'soak': flags.soakMs = parseDuration(value, name); break;
      case 'secrets': flags.secrets = parseCount(value, name); break;
      case 'replies': flags.replies = parseCount(value, name); break;
      case 'runs': flags.runs = parseCount(value, name); break;
      case 'compare': flags.compare = value; break;
      case 'compare-server': flags.compareServer = value; break;
      case 'deadline': flags.deadlineMs = parseDuration(value, name); break;
      default: throw new Error(`unknown flag --${name}\n${USAGE}`);
    }
  }
  return { ...flags, deadlineAt: Date.now() + flags.deadlineMs };
}
