/**
 * `npm start`: one process serving the token server with the demo on http://localhost:8787 and "someone else's
 * site" on http://localhost:8788, on embedded defaults (see demo-settings.ts); `.env` and the environment win.
 */
import { existsSync } from 'node:fs';
import { ConfigError } from '../token-server/src/config.js';
import { startDemoServer } from './demo-server.js';

const SHUTDOWN_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const demo = await startDemoServer(process.env);
  console.log(`chat-kit-widget demo: open ${demo.siteUrl}`);
  console.log(`  another site embedding it: ${demo.secondOriginUrl}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1); // a second signal means "now"
    stopping = true;
    demo.logger.info({ signal }, 'shutting down');
    if (!(await demo.close(SHUTDOWN_DEADLINE_MS))) demo.logger.warn('requests still running at the shutdown deadline were cut off');
    demo.logger.flush();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `demo server failed to start: ${(err as Error)?.message ?? err}`);
  process.exit(1);
});
