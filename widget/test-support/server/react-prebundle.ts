/**
 * Dev-server plugin for the browser tests: React, ReactDOM and jsx-runtime are CommonJS, which the dev
 * server's own conversion cannot serve as ES modules. esbuild bundles them (and chatkit-react, so all share
 * one React) into ES modules once, served under /__prebundled/, and bare imports of them are pointed there.
 * It also resolves `./x.js` to `./x.tsx`, which the esbuild plugin only does for `.ts`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Plugin } from '@web/dev-server-core';
import { build, type Plugin as EsbuildPlugin } from 'esbuild';

const PREFIX = '/__prebundled/';
/** Bare import → entry name of its pre-bundled module. */
const ENTRIES: Record<string, string> = {
  react: 'react',
  'react/jsx-runtime': 'jsx-runtime',
  'react-dom': 'react-dom',
  'react-dom/client': 'react-dom-client',
  '@openai/chatkit-react': 'chatkit-react',
};

/** A CommonJS module's export names, read in a child process (loading React here would trip the runner's console). */
function exportNames(specifier: string): string[] {
  const script = `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(specifier)}))))`;
  const names = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[];
  return names.filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default');
}

/** An ES module re-exporting a CommonJS module's named exports, which esbuild cannot infer by itself. */
function wrapperFor(specifier: string): string {
  if (specifier === '@openai/chatkit-react') return `export * from '${specifier}';`;
  const names = exportNames(specifier);
  return `import m from '${specifier}'; export default m; export const { ${names.join(', ')} } = m;`;
}

async function bundle(): Promise<Map<string, string>> {
  const virtual: EsbuildPlugin = {
    name: 'prebundle-entries',
    setup(b) {
      b.onResolve({ filter: /^prebundle:/ }, (args) => ({ path: args.path.slice('prebundle:'.length), namespace: 'prebundle' }));
      b.onLoad({ filter: /.*/, namespace: 'prebundle' }, (args) => ({ contents: wrapperFor(args.path), resolveDir: process.cwd(), loader: 'js' }));
    },
  };
  const result = await build({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([specifier, name]) => [name, `prebundle:${specifier}`])),
    bundle: true,
    splitting: true,
    format: 'esm',
    write: false,
    outdir: '/prebundled',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [virtual],
    logLevel: 'silent',
  });
  return new Map(result.outputFiles.map((file) => [file.path.replace('/prebundled/', PREFIX), file.text]));
}

export function reactPrebundlePlugin(): Plugin {
  let files: Promise<Map<string, string>> | undefined;
  return {
    name: 'ckw-react-prebundle',
    async serve(context) {
      if (!context.path.startsWith(PREFIX)) return undefined;
      files ??= bundle();
      const body = (await files).get(context.path);
      return body === undefined ? undefined : { body, type: 'js' };
    },
    resolveImport({ source, context }) {
      const entry = ENTRIES[source];
      if (entry) return `${PREFIX}${entry}.js`;
      if (source.startsWith('.') && source.endsWith('.js') && context.path.endsWith('.ts')) {
        const tsx = join(process.cwd(), dirname(context.path), source.replace(/\.js$/, '.tsx'));
        if (existsSync(tsx)) return source.replace(/\.js$/, '.tsx');
      }
      return undefined;
    },
  };
}
