/**
 * Starts the token server: reads `.env` when present, parses the configuration (a bad value prints one
 * line naming it and exits 1), listens on HOST:PORT (and METRICS_HOST:METRICS_PORT when set), and shuts down
 * on SIGTERM/SIGINT within SHUTDOWN_TIMEOUT_MS (http/shutdown.ts, shared with `npm start`).
 */
import { existsSync } from 'node:fs';
import { createApp, describeFeatures } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { listen } from './http/listen.js';
import { exitOnSignals, stopServing } from './http/shutdown.js';
import { listenForMetrics } from './metrics/listener.js';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  const app = await createApp(config);
  const { server, url } = await listen(app.app, config.host, config.port);
  const metricsServer = await listenForMetrics(app, config);

  const off = Object.entries(describeFeatures(config)).filter(([, f]) => !f.on);
  for (const [name, f] of off) app.logger.info({ feature: name }, `${name} is off: ${f.enable}`);
  console.log(`token server listening on ${url}`);

  const servers = metricsServer ? [server, metricsServer] : [server];
  exitOnSignals({ logger: app.logger, timeoutMs: config.shutdownTimeoutMs, stop: (deadlineMs) => stopServing({ app, servers }, deadlineMs) });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    console.error(`token server failed to start: ${(err as Error)?.message ?? err}`);
  }
  process.exit(1);
});
