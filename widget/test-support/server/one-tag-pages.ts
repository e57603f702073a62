/**
 * `/__ckw/one-tag/<case>.html?server=…&key=…`: pages embedding the built widget with nothing but its script tag
 * and `data-*` attributes, the ways a CMS or a tag manager puts it on a page:
 * - `head`: one tag in `<head>`, no `defer` (it runs before `<body>` exists), asking for a launcher;
 * - `twice`: the tag twice in the body, once `async` and once `defer`, as when a theme and a plugin both add it;
 * - `injected`: no tag in the HTML; a script adds it after the page has loaded, as a tag manager does;
 * - `nonce`: a page under a nonce-based Content-Security-Policy, the tag carrying the nonce;
 * - `foreign-data`: the tag with only other software's `data-*` attributes (a CDN's, WordPress's).
 * Each page records its errors, console warnings and CSP violations in `window.problems` for the test to read.
 */
/** What a dev-server plugin's `serve` answers. */
interface ServeResult {
  type: 'html';
  body: string;
  headers?: Record<string, string>;
}

export const ONE_TAG_CASES = ['head', 'twice', 'injected', 'nonce', 'foreign-data'] as const;
export type OneTagCase = (typeof ONE_TAG_CASES)[number];

/** The page's CSP nonce in the `nonce` case (a test page: a fixed value is fine). */
export const PAGE_NONCE = 'ckw-test-nonce';

export function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function page(head: string, body: string, nonce = ''): string {
  const nonceAttribute = nonce ? ` nonce="${nonce}"` : '';
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8"><title>A CMS page</title>
    <script${nonceAttribute}>
      window.problems = [];
      addEventListener('error', (event) => problems.push(String(event.message)));
      document.addEventListener('securitypolicyviolation', (event) => problems.push('CSP: ' + event.violatedDirective + ' ' + event.blockedURI));
      const warn = console.warn;
      console.warn = (...args) => (problems.push(args.join(' ')), warn(...args));
    </script>
${head}
  </head>
  <body>
    <h1>A site owner's page</h1>
    <main id="content"><p>Some content the widget must not push aside.</p></main>
${body}
  </body>
</html>`;
}

/** `site` is the test server's origin: its dev-server script (live reload) is allowed under the nonce CSP too. */
export function oneTagPage(which: OneTagCase, site: string, server: string, key: string): ServeResult {
  const src = `${escapeAttribute(server)}/chat-kit-widget.js`;
  // The fake ChatKit is served by the test server, and threads are not kept between tests.
  const common = `data-public-key="${escapeAttribute(key)}" data-persist="none" data-script-src="/__ckw/fake-chatkit.js"`;
  switch (which) {
    case 'head':
      return { type: 'html', body: page(`    <script src="${src}" ${common} data-display="launcher" data-title="Ask the shop"></script>`, '') };
    case 'twice':
      return {
        type: 'html',
        body: page('', `    <script async src="${src}" ${common} data-greeting="From the theme"></script>\n    <script defer src="${src}" ${common} data-greeting="From a plugin"></script>`),
      };
    case 'injected':
      return {
        type: 'html',
        body: page(
          `    <script>
      addEventListener('load', () => {
        const tag = document.createElement('script');
        tag.src = ${JSON.stringify(`${server}/chat-kit-widget.js`)};
        Object.assign(tag.dataset, { publicKey: ${JSON.stringify(key)}, persist: 'none', scriptSrc: '/__ckw/fake-chatkit.js', display: 'launcher', position: 'bottom-left' });
        document.head.append(tag);
      });
    </script>`,
          '',
        ),
      };
    case 'nonce':
      return {
        type: 'html',
        // The widget's files come from the token server's origin; anything from the page's own origin (the fake
        // ChatKit script) runs only with the nonce, which the widget must pass on.
        headers: {
          'content-security-policy': `script-src 'nonce-${PAGE_NONCE}' ${new URL(server).origin} ${site}/__web-dev-server__web-socket.js; object-src 'none'`,
        },
        body: page('', `    <script src="${src}" nonce="${PAGE_NONCE}" ${common} defer></script>`, PAGE_NONCE),
      };
    case 'foreign-data':
      return { type: 'html', body: page('', `    <script src="${src}" data-cfasync="false" data-wp-strategy="defer" defer></script>`) };
  }
}
