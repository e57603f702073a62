// Builds the widget twice:
// - dist/widget/: the script-tag file, a small IIFE loader (Lit + the element + one-tag auto-mount), and beside it the lazy ES module
//   chunk(s) `chat-kit-widget-[name]-[hash].js` (React, ReactDOM, chatkit-react, the auth strategies) that
//   the loader `import()`s from the URL it was itself loaded from. Rollup cannot code-split an IIFE, so the
//   chunk is a separate build run first, and the loader's dynamic import is pointed at its file name.
//   Each has a source map (`.map`, not named in the file: the byte breakdown of `npm run size` and the bench read it).
//   Beside each script-tag file the build writes its Brotli (`.br`, quality 11) and gzip (`.gz`, by Zopfli) copy,
//   which the token server sends by the request's Accept-Encoding (token-server/src/widget-files/).
// - dist/esm/: an ES module entry for bundlers; importing it defines the element and does nothing else.
//   React, ReactDOM, chatkit-react and Lit stay external (peer dependencies).
import { rollup } from 'rollup';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import esbuild from 'rollup-plugin-esbuild';
import terser from '@rollup/plugin-terser';
import { transform } from 'esbuild';
import { pruneReactExports } from './scripts/prune-react-exports.mjs';
import { gzipAsync } from '@gfx/zopfli';
import MagicString from 'magic-string';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants as zlib } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const SESSION_ENTRY = fileURLToPath(new URL('./widget/src/session/index.ts', import.meta.url));
const WIDGET_ENTRY = 'widget/src/chat-kit-widget.ts';
/** The script-tag file: the same element, plus one-tag auto-mount from the tag's data-* attributes. */
const SCRIPT_TAG_ENTRY = 'widget/src/script-tag.ts';
const SCRIPT_TAG_DIR = 'dist/widget';
const PEERS = [/^react($|\/)/, /^react-dom($|\/)/, /^@openai\/chatkit-react$/, /^lit($|\/)/, /^@lit\//];

/**
 * The names of React's CommonJS exports the lazy chunk uses; prune-react-exports removes the others (the chunk
 * 2.4 KB smaller with Brotli) and fails the build when a module in the chunk uses one not listed here. Who uses them:
 * react-dom (React's internals and version, ReactDOM's internals, the scheduler), chatkit-react (forwardRef and five
 * hooks), widget/src/session/react-mount.tsx (useMemo, flushSync, createRoot).
 */
const REACT_EXPORTS_IN_USE = {
  react: {
    file: 'react/cjs/react.production.js',
    names: ['__CLIENT_INTERNALS_DO_NOT_USE_OR_WARN_USERS_THEY_CANNOT_UPGRADE', 'version', 'forwardRef', 'useCallback', 'useEffect', 'useLayoutEffect', 'useMemo', 'useRef'],
  },
  'react-dom': { file: 'react-dom/cjs/react-dom.production.js', names: ['__DOM_INTERNALS_DO_NOT_USE_OR_WARN_USERS_THEY_CANNOT_UPGRADE', 'flushSync'] },
  'react-dom/client': { file: 'react-dom/cjs/react-dom-client.production.js', names: ['createRoot'] },
  scheduler: {
    file: 'scheduler/cjs/scheduler.production.js',
    names: [
      'unstable_IdlePriority', 'unstable_ImmediatePriority', 'unstable_LowPriority', 'unstable_NormalPriority', 'unstable_UserBlockingPriority',
      'unstable_cancelCallback', 'unstable_getCurrentPriorityLevel', 'unstable_now', 'unstable_requestPaint', 'unstable_scheduleCallback', 'unstable_shouldYield',
    ],
    // react-dom reads these two, which only React's test scheduler exports.
    absent: ['log', 'unstable_setDisableYieldValue'],
  },
};

/**
 * Terser after esbuild for the script-tag files, which every visitor downloads (a few % smaller than esbuild's alone).
 * The chunk is an ES module: strict code whose top-level names are its own, so terser mangles and drops them. In the
 * loader, the `_$`-prefixed properties are Lit's internals (ReactiveElement's own fields and the hooks its sibling
 * packages and its ShadyDOM polyfill call); nothing outside the loader reaches them, and the chunk has none.
 */
const TERSER = { compress: { passes: 3 }, format: { comments: false } };
const LOADER_TERSER = { ...TERSER, mangle: { properties: { regex: /^_\$/ } } };
const CHUNK_TERSER = { ...TERSER, module: true };

/** `minify`: the terser options, or none; `pruneReact` for the chunk that bundles React. */
const plugins = ({ minify, pruneReact = false } = {}) => [
  minifyStyles(),
  litAdoptsStyleSheets(),
  replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
  nodeResolve({ browser: true, extensions: ['.ts', '.tsx', '.mjs', '.js'] }),
  ...(pruneReact ? [pruneReactExports(REACT_EXPORTS_IN_USE)] : []),
  // Wraps a CommonJS module in a function only where it must be (cycles, conditional requires): React's modules
  // then join the chunk as plain code (the chunk 0.15 KB smaller with Brotli).
  commonjs({ strictRequires: 'auto' }),
  esbuild({ target: 'es2022', jsx: 'automatic', minify: true, legalComments: 'none' }),
  ...(minify ? [terser(minify)] : []),
];

/** Builds the lazy chunk into dist/widget and returns its entry file name. */
async function buildSessionChunk() {
  const bundle = await rollup({ input: { session: SESSION_ENTRY }, plugins: plugins({ minify: CHUNK_TERSER, pruneReact: true }), onwarn });
  const { output } = await bundle.write({
    dir: SCRIPT_TAG_DIR,
    format: 'es',
    // Rollup's own glue code with arrows, const and shorthand properties (shorter; every browser we support runs it).
    generatedCode: 'es2015',
    entryFileNames: 'chat-kit-widget-[name]-[hash].js',
    chunkFileNames: 'chat-kit-widget-[name]-[hash].js',
    sourcemap: 'hidden',
    sourcemapExcludeSources: true,
  });
  await bundle.close();
  return output.find((file) => file.type === 'chunk' && file.isEntry).fileName;
}

/**
 * In the IIFE loader, `import('../session/index.js')` becomes an import of the chunk file resolved against
 * the loader's own URL, captured while the script runs (`document.currentScript` is null later).
 */
function sessionChunkBesideLoader() {
  let chunkFile;
  return {
    name: 'session-chunk-beside-loader',
    async buildStart() {
      // Chunks of earlier builds would be served and counted against the size budget: start clean.
      rmSync(SCRIPT_TAG_DIR, { recursive: true, force: true });
      chunkFile = await buildSessionChunk();
    },
    async resolveDynamicImport(specifier, importer) {
      const resolved = typeof specifier === 'string' ? await this.resolve(specifier, importer) : null;
      if (resolved?.id === SESSION_ENTRY) return { id: `./${chunkFile}`, external: true };
      return null;
    },
    renderDynamicImport({ targetModuleId }) {
      if (targetModuleId !== `./${chunkFile}`) return null;
      return { left: 'import(new URL(', right: ', ckwLoaderSrc).href)' };
    },
    intro: 'var ckwLoaderSrc = document.currentScript && document.currentScript.src || location.href;',
  };
}

/**
 * Writes `.br` and `.gz` siblings of every script-tag file once both builds of dist/widget are written. The gzip
 * copy comes from Zopfli (a gzip encoder that searches harder: any gzip client reads it, about 3% smaller than
 * zlib's level 9), since it is made once at build time and sent to every browser without Brotli.
 */
function precompress() {
  return {
    name: 'precompress',
    async writeBundle() {
      for (const name of readdirSync(SCRIPT_TAG_DIR).filter((file) => file.endsWith('.js'))) {
        const file = join(SCRIPT_TAG_DIR, name);
        const bytes = readFileSync(file);
        const brotliParams = {
          [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
          [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
          [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        };
        writeFileSync(`${file}.br`, brotliCompressSync(bytes, { params: brotliParams }));
        writeFileSync(`${file}.gz`, await gzipAsync(bytes, { numiterations: 15 }));
      }
    },
  };
}

/**
 * Minifies the CSS text of the `*.styles.ts` files (`replaceSync(\`...\`)`, no interpolations) with esbuild, then
 * drops what esbuild keeps: the spaces in custom property values (`--a: var(--b, 1px)`) and the quotes of
 * attribute selectors (`[theme="dark"]`). Our CSS holds no other strings, where that could change a value.
 */
function minifyStyles() {
  return {
    name: 'minify-styles',
    async transform(code, id) {
      if (!id.endsWith('.styles.ts')) return null;
      const parts = code.split(/(?<=replaceSync\()(`[^`$]*`)/);
      for (let i = 1; i < parts.length; i += 2) {
        const { code: css } = await transform(parts[i].slice(1, -1), { loader: 'css', minify: true });
        const minified = css.trim().replaceAll(/(\[[\w-]+=)"([\w-]+)"\]/g, '$1$2]');
        if (/['"]/.test(minified)) throw new Error(`${id}: the CSS holds a string, which minifyStyles could change`);
        parts[i] = `\`${minified.replaceAll(/(--[\w-]+): /g, '$1:').replaceAll(', ', ',')}\``;
      }
      return { code: parts.join(''), map: null };
    },
  };
}

/**
 * Lit's css-tag decides at run time whether the browser adopts constructed stylesheets, and keeps a fallback for
 * browsers that do not (`<style>` elements, and the CSSResult class it needs to turn a sheet into text). Our styles
 * module already constructs a `CSSStyleSheet` when it loads, and the element adopts a second one for the accent, so
 * where that fallback would run the widget cannot: stating the answer lets terser drop it (the loader 339 B smaller
 * gzipped). The build fails if Lit changes that check, rather than quietly keeping the fallback.
 */
function litAdoptsStyleSheets() {
  const check = 't.ShadowRoot&&(void 0===t.ShadyCSS||t.ShadyCSS.nativeShadow)&&"adoptedStyleSheets"in Document.prototype&&"replace"in CSSStyleSheet.prototype';
  return {
    name: 'lit-adopts-stylesheets',
    transform(code, id) {
      if (!id.endsWith('/@lit/reactive-element/css-tag.js')) return null;
      const at = code.indexOf(check);
      if (at < 0) this.error(`${id}: Lit's check for adoptedStyleSheets changed; update litAdoptsStyleSheets (rollup.config.mjs)`);
      const magic = new MagicString(code).overwrite(at, at + check.length, '!0');
      return { code: magic.toString(), map: magic.generateMap({ hires: true }) };
    },
  };
}

function onwarn(warning, warn) {
  // chatkit-react marks its JSX with "use client" directives meant for React Server Components.
  if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
  warn(warning);
}

export default [
  {
    input: SCRIPT_TAG_ENTRY,
    plugins: [sessionChunkBesideLoader(), ...plugins({ minify: LOADER_TERSER }), precompress()],
    onwarn,
    output: { file: `${SCRIPT_TAG_DIR}/chat-kit-widget.js`, format: 'iife', generatedCode: 'es2015', inlineDynamicImports: false, sourcemap: 'hidden', sourcemapExcludeSources: true },
  },
  {
    input: { 'chat-kit-widget': WIDGET_ENTRY },
    plugins: [{ name: 'clean-esm', buildStart: () => rmSync('dist/esm', { recursive: true, force: true }) }, ...plugins()],
    external: (id) => PEERS.some((peer) => peer.test(id)),
    onwarn,
    // One file per source module: bundlers tree-shake and split them (the session code stays a lazy import()).
    output: { dir: 'dist/esm', format: 'es', preserveModules: true, preserveModulesRoot: 'widget/src', entryFileNames: '[name].js' },
  },
];
