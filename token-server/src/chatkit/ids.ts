/** Ids with the reference server's prefixes; 64 random bits, so ids cannot be guessed across users. */
import { randomBytes } from 'node:crypto';

const PREFIXES = {
  thread: 'thr',
  message: 'msg',
  tool_call: 'tc',
  hidden_context: 'shcx',
  workflow: 'wf',
  widget: 'wdg',
  approval: 'apr',
  attachment: 'atc',
  structured_input: 'si',
} as const;

export function newId(kind: keyof typeof PREFIXES): string {
  return `${PREFIXES[kind]}_${randomBytes(8).toString('hex')}`;
}

export function now(): string {
  return new Date().toISOString();
}
