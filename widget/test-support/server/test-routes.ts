/**
 * Pages and scripts the browser tests load from the test server itself:
 * - `/__ckw/fake-chatkit.js`: the fake `<openai-chatkit>` as a classic script, standing in for OpenAI's CDN file;
 * - `/__ckw/never-defines.js`: a script that loads fine but defines nothing (a CDN answering the wrong file);
 * - `/__ckw/failing-backend/<status>`: a ChatKit backend that answers every request with that HTTP status and
 *   the token server's error shape (for statuses the real server cannot be made to give on demand);
 * - `/__ckw/widget-page.html`: an empty page that defines the element from its source, for tests that need a
 *   widget inside a frame;
 * - `/__ckw/plain-page.html?server=…&key=…&display=…`: a plain HTML page embedding the built widget the way a
 *   site owner does (the script included twice, as CMS pages do), plus a first script that records the
 *   page's errors and console warnings for the test to read;
 * - `/__ckw/one-tag/<case>.html?server=…&key=…`: pages embedding it by its script tag alone (one-tag-pages.ts).
 */
import type { Middleware } from 'koa';
import type { Plugin } from '@web/dev-server-core';
import { build } from 'esbuild';
import { escapeAttribute, ONE_TAG_CASES, oneTagPage, type OneTagCase } from './one-tag-pages.js';

const FAKE_SCRIPT_ENTRY = 'widget/test-support/fake-chatkit-script.ts';

export function testRoutesPlugin(): Plugin {
  let fakeScript: Promise<string> | undefined;
  return {
    name: 'ckw-test-routes',
    async serve(context) {
      const oneTag = /^\/__ckw\/one-tag\/([\w-]+)\.html$/.exec(context.path)?.[1];
      if (oneTag && (ONE_TAG_CASES as readonly string[]).includes(oneTag))
        return oneTagPage(oneTag as OneTagCase, context.origin, String(context.query.server ?? ''), String(context.query.key ?? ''));
      switch (context.path) {
        case '/__ckw/fake-chatkit.js':
          fakeScript ??= build({ entryPoints: [FAKE_SCRIPT_ENTRY], bundle: true, format: 'iife', write: false, logLevel: 'silent' }).then(
            (result) => result.outputFiles[0]!.text,
          );
          return { body: await fakeScript, type: 'js' };
        case '/__ckw/never-defines.js':
          return { body: '// Loads fine, defines nothing.\n', type: 'js' };
        case '/__ckw/widget-page.html':
          return {
            type: 'html',
            body: '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Frame</title><script type="module" src="/widget/src/chat-kit-widget.ts"></script></head><body></body></html>',
          };
        case '/__ckw/plain-page.html': {
          const server = escapeAttribute(String(context.query.server ?? ''));
          const key = escapeAttribute(String(context.query.key ?? ''));
          const display = escapeAttribute(String(context.query.display ?? 'inline'));
          return {
            type: 'html',
            body: `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8"><title>A plain page</title>
    <script>
      window.problems = [];
      addEventListener('error', (event) => problems.push(String(event.message)));
      const warn = console.warn;
      console.warn = (...args) => (problems.push(args.join(' ')), warn(...args));
    </script>
  </head>
  <body>
    <h1>A site owner's page</h1>
    <script src="${server}/chat-kit-widget.js" defer></script>
    <chat-kit-widget public-key="${key}" display="${display}" persist="none" script-src="/__ckw/fake-chatkit.js"></chat-kit-widget>
    <script src="${server}/chat-kit-widget.js" defer></script>
  </body>
</html>`,
          };
        }
        default:
          return undefined;
      }
    },
  };
}

/** `/__ckw/failing-backend/<status>` (a middleware: plugins' answers are always 200). */
export const failingBackend: Middleware = async (context, next) => {
  const status = /^\/__ckw\/failing-backend\/(\d{3})$/.exec(context.path)?.[1];
  if (!status) return next();
  context.status = Number(status);
  context.type = 'json';
  context.body = { error: { code: 'test_failure', message: `The test backend answers ${status}.` } };
};
