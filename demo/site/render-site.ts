/**
 * Renders the demo site once at start: the HTML pages from the layout, fragments and partials with this server's
 * values filled in, the page scripts bundled from TypeScript with esbuild, and the static assets.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { AUTH_SCRIPT, embedSnippet, type ServerSettings } from './scripts/embed-snippet.js';
import { SITE_PAGES, type SitePage } from './site-pages.js';

export interface SiteValues {
  /** The token server's base URL, as site owners would write it in the snippet. */
  server: string;
  publicKey: string;
  secondOriginUrl: string;
  /** When set, every widget loads this instead of OpenAI's ChatKit script. */
  chatkitScriptSrc?: string;
  /** What the token server allows, for the pages that compute their status and settings from it. */
  settings: ServerSettings;
}

export interface Asset {
  body: string | Buffer;
  contentType: string;
}

export interface RenderedSite {
  /** HTML by request path. */
  pages: Map<string, string>;
  /** Scripts, styles and images by file name (served under `/demo-assets/`). */
  assets: Map<string, Asset>;
}

const SITE_DIR = fileURLToPath(new URL('.', import.meta.url));
const STATIC_ASSETS: Record<string, string> = {
  'demo.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The `script-src` attribute for widgets on demo pages: absent unless the ChatKit script is replaced. */
export function scriptSrcAttribute(chatkitScriptSrc: string | undefined): string {
  return chatkitScriptSrc ? ` script-src="${escapeHtml(chatkitScriptSrc)}"` : '';
}

/**
 * Fills `{{name}}` with the escaped value and `{{> name}}` with the partial of that name. An unknown name is a
 * mistake in a template and stops the server at start, not a blank on a page.
 */
export function fillTemplate(template: string, values: Record<string, string>, raw: Record<string, string>, partials: Record<string, string> = {}): string {
  return template.replace(/\{\{(>\s*)?([\w-]+)\}\}/g, (_match, partial: string | undefined, name: string) => {
    const found = partial ? partials[name] : name in raw ? raw[name] : values[name] !== undefined ? escapeHtml(values[name]!) : undefined;
    if (found === undefined) throw new Error(`demo template uses an unknown ${partial ? 'partial' : 'value'} "${name}"`);
    return partial ? fillTemplate(found, values, raw, partials) : found;
  });
}

function navigation(currentPath: string, secondOriginUrl: string): string {
  const links = SITE_PAGES.map(
    (page) => `        <a href="${page.path}"${page.path === currentPath ? ' aria-current="page"' : ''}>${escapeHtml(page.navLabel)}</a>`,
  );
  links.push(`        <a href="${escapeHtml(secondOriginUrl)}/">Other site <span aria-hidden="true">↗</span></a>`);
  return links.join('\n');
}

/** JSON that is safe inside a `<script type="application/json">` (no `</script>` or `<!--` can appear). */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** The page's snippet, as the builder would write it for the same choices. */
function pageSnippet(page: SitePage, values: SiteValues): string {
  if (!page.snippet) return '';
  const choices = { ...page.snippet, embed: 'element', position: 'bottom-right', theme: 'light', title: '', greeting: '', placeholder: '' } as const;
  return embedSnippet(choices, values.server, values.publicKey);
}

async function readSiteFile(path: string): Promise<string> {
  return readFile(`${SITE_DIR}${path}`, 'utf8');
}

async function bundleScripts(): Promise<Map<string, Asset>> {
  const entries = [...new Set(SITE_PAGES.map((page) => page.script))];
  const result = await build({
    entryPoints: Object.fromEntries(entries.map((name) => [name, `${SITE_DIR}scripts/${name}.ts`])),
    bundle: true,
    format: 'esm',
    target: 'es2022',
    outdir: 'out',
    write: false,
    logLevel: 'silent',
  });
  return new Map(
    result.outputFiles.map((file) => [file.path.split('/').pop()!, { body: file.text, contentType: 'text/javascript; charset=utf-8' }]),
  );
}

export async function renderSite(values: SiteValues): Promise<RenderedSite> {
  const layout = await readSiteFile('layout.html');
  const partials = { 'sign-in': await readSiteFile('partials/sign-in.html'), 'auth-script': await readSiteFile('partials/auth-script.html') };
  const text = { server: values.server, publicKey: values.publicKey, secondOriginUrl: values.secondOriginUrl, authScript: AUTH_SCRIPT };

  const pages = new Map<string, string>();
  for (const page of SITE_PAGES) {
    const content = fillTemplate(
      await readSiteFile(`pages/${page.file}`),
      { ...text, snippet: pageSnippet(page, values) },
      { scriptSrcAttribute: scriptSrcAttribute(values.chatkitScriptSrc) },
      partials,
    );
    const html = fillTemplate(
      layout,
      { ...text, title: page.title, script: page.script },
      { nav: navigation(page.path, values.secondOriginUrl), content, serverSettings: jsonForScript(values.settings) },
    );
    pages.set(page.path, html);
  }

  const assets = await bundleScripts();
  for (const [name, contentType] of Object.entries(STATIC_ASSETS))
    assets.set(name, { body: await readFile(`${SITE_DIR}styles/${name}`), contentType });
  return { pages, assets };
}
