/**
 * The golden wire transcript captured from OpenAI's official Python ChatKit server (`golden-transcript.txt`),
 * and a structural comparison that ignores ids, timestamps and free text but keeps every key, type tag and flag.
 */
import { readFileSync } from 'node:fs';
import { parseEvents } from './harness.js';

export interface GoldenExchange {
  request: { type: string; params: any };
  streaming: boolean;
  /** The JSON answer, or the list of events. */
  response: any;
}

export function loadGolden(): GoldenExchange[] {
  const text = readFileSync(new URL('./golden-transcript.txt', import.meta.url), 'utf8');
  return text
    .split('===== REQUEST: ')
    .slice(1)
    .map((block) => {
      const [requestLine, rest] = [block.slice(0, block.indexOf('\n')), block.slice(block.indexOf('\n') + 1)];
      const header = /^----- RESPONSE \(([^)]+)\):\n/.exec(rest)!;
      const body = rest.slice(header[0].length);
      const streaming = header[1] === 'text/event-stream';
      return { request: JSON.parse(requestLine), streaming, response: streaming ? parseEvents(body.trimEnd() + '\n\n') : JSON.parse(body) };
    });
}

const EXACT_KEYS = new Set(['type', 'code']);
const ID = /^(thr|msg|tc|shcx)_[A-Za-z0-9]+$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** Replaces values by what they are: ids by their prefix, timestamps by `<time>`, other text by `<text>`. */
export function shape(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((entry) => shape(entry));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shape(v, k)]),
    );
  if (typeof value === 'string') {
    if (EXACT_KEYS.has(key)) return value;
    if (ID.test(value)) return `<id ${value.slice(0, value.indexOf('_'))}>`;
    if (ISO_TIME.test(value)) return '<time>';
    return '<text>';
  }
  if (typeof value === 'number') return '<number>';
  return value;
}
