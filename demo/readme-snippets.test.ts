/**
 * The README and docs/ as a newcomer uses them: every link leads somewhere, the contents list every section, a
 * fact (the CSP recipe, the Better Auth setup, the Agent Builder date) is stated in one place, and the snippets
 * work when pasted on a real host under that CSP: no inline script, a domain key where the mode needs one, and an
 * import path that resolves.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AUTH_SCRIPT } from './site/scripts/embed-snippet.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
const text = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

const headings = (file: string) => [...text(file).matchAll(/^#{1,6} (.+)$/gm)].map((match) => match[1]!.trim());

/** The fenced code blocks of a file, with their language. */
const codeBlocks = (file: string) => [...text(file).matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((match) => ({ lang: match[1]!, code: match[2]! }));

describe('the README and docs/', () => {
  test('every relative link points at a file that exists, and every #anchor at a heading of that file', () => {
    for (const file of DOCS) {
      for (const [, target] of text(file).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [path, anchor] = target!.split('#');
        const linked = path ? join(dirname(file), path) : file;
        assert.ok(existsSync(join(ROOT, linked)), `${file} links to ${target}, which does not exist`);
        if (anchor && linked.endsWith('.md')) assert.ok(headings(linked).map(slug).includes(anchor), `${file} links to #${anchor}, not a heading of ${linked}`);
      }
    }
  });

  test("the README's contents list links every section", () => {
    const contents = /^\*\*Contents:\*\*([\s\S]*?)\n\n/m.exec(text('README.md'))?.[1] ?? '';
    for (const heading of headings('README.md').filter((h) => h !== 'chat-kit-widget'))
      if (text('README.md').includes(`\n## ${heading}\n`)) assert.ok(contents.includes(`(#${slug(heading)})`), `the contents do not list "${heading}"`);
  });

  test('no heading and no reference fact appears twice', () => {
    // A section moved to docs/ is not also left in the README, and no page has a section twice.
    for (const file of DOCS) {
      const own = headings(file);
      assert.deepEqual(own.filter((heading, i) => own.indexOf(heading) !== i), [], `${file} has a section twice`);
    }
    const readme = new Set(headings('README.md'));
    for (const file of DOCS.slice(1)) assert.deepEqual(headings(file).filter((heading) => readme.has(heading)), [], `${file} repeats a README section`);
    const count = (needle: string) => DOCS.reduce((sum, file) => sum + text(file).split(needle).length - 1, 0);
    assert.equal(count('Content-Security-Policy:\n'), 1, 'the CSP recipe is written once');
    assert.equal(count('betterAuth({'), 1, 'the Better Auth setup is written once');
    assert.equal(count('2026-11-30'), 1, 'the Agent Builder shutdown date is written once');
    assert.equal(count('| `AUTH_JWKS_URL` /'), 1, 'the variables table is written once');
  });

  test('every snippet with the element loads no inline script and has a domain key where custom-fetch needs one', () => {
    const snippets = DOCS.flatMap((file) => codeBlocks(file).filter((block) => block.code.includes('<chat-kit-widget')).map((block) => ({ file, ...block })));
    assert.ok(snippets.length >= 3);
    for (const { file, code } of snippets) {
      for (const [, tag, body] of code.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g))
        assert.ok(/\bsrc=/.test(tag!) && !body!.trim(), `${file} has an inline script, which the CSP recipe blocks:\n${code}`);
      for (const [element] of code.matchAll(/<chat-kit-widget\b[^>]*>/g))
        if (/auth-mode="custom-fetch"/.test(element!)) assert.match(element!, /domain-key="/, `${file}: custom-fetch needs domain-key outside localhost:\n${element}`);
    }
  });

  test("the README's chat-auth.js is the one the builder and the demo pages give", () => {
    assert.ok(codeBlocks('README.md').some((block) => block.lang === 'js' && block.code === AUTH_SCRIPT), AUTH_SCRIPT);
  });

  test('the import paths the README gives resolve to the built files', () => {
    const esm = fileURLToPath(import.meta.resolve('chat-kit-widget/dist/esm/chat-kit-widget.js'));
    assert.equal(esm, join(ROOT, 'dist/esm/chat-kit-widget.js'));
    assert.ok(existsSync(esm), 'npm run build makes it');
    assert.match(text('README.md'), /import 'chat-kit-widget\/dist\/esm\/chat-kit-widget\.js'/);
    // The built server (npm run build:server), as Node resolves it for an app that installed the package.
    assert.equal(fileURLToPath(import.meta.resolve('chat-kit-widget/server')), join(ROOT, 'dist/server/index.js'));
  });
});
