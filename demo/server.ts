/**
 * `npm start`: one process serving the token server with the demo on http://localhost:8787 and "someone else's
 * site" on http://localhost:8788, on embedded defaults (see demo-settings.ts); `.env` and the environment win.
 */
import { existsSync } from 'node:fs';
import { ConfigError } from '../token-server/src/config.js';
import { exitOnSignals } from '../token-server/src/http/shutdown.js';
import { startDemoServer } from './demo-server.js';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const demo = await startDemoServer(process.env);
  console.log(`chat-kit-widget demo: open ${demo.siteUrl}`);
  console.log(`  another site embedding it: ${demo.secondOriginUrl}`);
  // The same shutdown as the token server's own entry (SHUTDOWN_TIMEOUT_MS, second signal, replies interrupted).
  exitOnSignals({ logger: demo.logger, timeoutMs: demo.shutdownTimeoutMs, stop: (deadlineMs) => demo.close(deadlineMs) });
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `demo server failed to start: ${(err as Error)?.message ?? err}`);
  process.exit(1);
});
