// Builds the token server into plain JavaScript for Node 24 (dist/server/), so production runs `node` with no
// TypeScript loader: `server.js` is the command (`npm run serve`), `index.js` the library (createApp, loadConfig,
// listen). npm packages stay external: they are installed beside it, as `npm ci --omit=dev` leaves them.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

const OUT_DIR = 'dist/server';
rmSync(OUT_DIR, { recursive: true, force: true });
await build({
  entryPoints: { server: 'token-server/src/server.ts', index: 'token-server/src/index.ts' },
  outdir: OUT_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22.12',
  packages: 'external',
  sourcemap: true,
  // Chunks sit beside the entries (no subfolder), so the widget path below holds for every file.
  chunkNames: '[name]-[hash]',
  // The source finds the built widget at ../../dist/widget from token-server/src; the bundle sits in dist/server.
  define: { __CKW_WIDGET_DIR__: JSON.stringify('../widget') },
  logLevel: 'warning',
});
