/**
 * Starts the token server: reads `.env` when present, parses the configuration (a bad value prints one
 * line naming it and exits 1), listens on HOST:PORT, and shuts down gracefully on SIGTERM/SIGINT.
 */
import { existsSync } from 'node:fs';
import { createApp, describeFeatures } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { closeGracefully, listen } from './http/listen.js';

const SHUTDOWN_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  const { app, logger, close } = await createApp(config);
  const { server, url } = await listen(app, config.host, config.port);

  const off = Object.entries(describeFeatures(config)).filter(([, f]) => !f.on);
  for (const [name, f] of off) logger.info({ feature: name }, `${name} is off: ${f.enable}`);
  console.log(`token server listening on ${url}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1); // a second signal means "now"
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const clean = await closeGracefully(server, SHUTDOWN_DEADLINE_MS);
    if (!clean) logger.warn('requests still running at the shutdown deadline were cut off');
    await close();
    logger.flush();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    console.error(`token server failed to start: ${(err as Error)?.message ?? err}`);
  }
  process.exit(1);
});
