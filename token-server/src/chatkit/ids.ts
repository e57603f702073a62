/** Ids with the reference server's prefixes; 64 random bits, so ids cannot be guessed across users. */
import { randomFillSync } from 'node:crypto';

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

const ID_BYTES = 8;
/** Random bytes for 512 ids, drawn from the CSPRNG at once (one call per id costs more than the id itself). */
const pool = Buffer.alloc(ID_BYTES * 512);
let offset = pool.length;

export function newId(kind: keyof typeof PREFIXES): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return `${PREFIXES[kind]}_${hex}`;
}

export function now(): string {
  return new Date().toISOString();
}
