// Checks the built script-tag widget against its size budget, gzipped as the token server sends it to a browser
// without Brotli (the `.gz` files the build wrote, by Zopfli): the loader every page pays for at most BUDGET.loader
// (8.5 KiB while it held every error sentence, 8.2 before terser and Zopfli, 7.7 before Lit's style fallback was
// left out); the lazily loaded code (all chat-kit-widget-*.js chunks together) at most BUDGET.lazy (71.5 KiB before
// the chunk kept only the React exports it uses). Prints every file (also its Brotli size) and fails past
// budget; `--breakdown` also prints where the loader's bytes come from (its source map). Run `npm run build` first.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { breakdownLines } from './widget-breakdown.mjs';

const DIR = 'dist/widget';
const LOADER = 'chat-kit-widget.js';
const BUDGET = { loader: 7.35 * 1024, lazy: 68.5 * 1024 };

let files;
try {
  files = readdirSync(DIR).filter((name) => /^chat-kit-widget.*\.js$/.test(name));
} catch {
  console.error(`${DIR} is missing: run \`npm run build\` first.`);
  process.exit(1);
}
if (!files.includes(LOADER) || files.length < 2) {
  console.error(`${DIR} must hold ${LOADER} and its lazy chunk: run \`npm run build\`.`);
  process.exit(1);
}

const kib = (bytes) => `${(bytes / 1024).toFixed(2)} KiB`;
const onDisk = (name) => {
  try {
    return statSync(join(DIR, name)).size;
  } catch {
    console.error(`${DIR}/${name} is missing: run \`npm run build\`.`);
    process.exit(1);
  }
};
const gzipped = (name) => onDisk(`${name}.gz`);
const brotli = (name) => ` ${kib(onDisk(`${name}.br`)).padStart(10)} Brotli`;

const loader = gzipped(LOADER);
const chunks = files.filter((name) => name !== LOADER).map((name) => ({ name, size: gzipped(name) }));
const lazy = chunks.reduce((sum, chunk) => sum + chunk.size, 0);

console.log(`loader      ${LOADER.padEnd(44)} ${kib(loader).padStart(10)} gzipped (budget ${kib(BUDGET.loader)})${brotli(LOADER)}`);
for (const chunk of chunks) console.log(`lazy chunk  ${chunk.name.padEnd(44)} ${kib(chunk.size).padStart(10)} gzipped${brotli(chunk.name)}`);
console.log(`lazy total  ${''.padEnd(44)} ${kib(lazy).padStart(10)} gzipped (budget ${kib(BUDGET.lazy)})`);

if (process.argv.includes('--breakdown')) {
  console.log(`\n${LOADER} by source module (minified bytes, share, estimated gzipped bytes):`);
  for (const line of breakdownLines(join(DIR, LOADER))) console.log(`  ${line}`);
}

const over = [];
if (loader > BUDGET.loader) over.push(`the loader is ${kib(loader)}, over its ${kib(BUDGET.loader)} budget`);
if (lazy > BUDGET.lazy) over.push(`the lazy code is ${kib(lazy)}, over its ${kib(BUDGET.lazy)} budget`);
if (over.length) {
  console.error(`Size budget exceeded: ${over.join('; ')}.`);
  process.exit(1);
}
