import type { Server } from 'node:http';
import type { App } from '../app.js';
import { ConfigError, type Config } from '../config.js';
import { listen } from '../http/listen.js';

/** Starts the metrics listener when `METRICS_PORT` is set (both entry points call this); its URL is logged. */
export async function listenForMetrics(app: App, config: Config): Promise<Server | undefined> {
  const address = config.metrics?.listen;
  if (!app.metricsApp || !address) return undefined;
  try {
    const { server, url } = await listen(app.metricsApp, address.host, address.port);
    app.logger.info({ url: `${url}/metrics` }, 'metrics are served on their own address');
    return server;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new ConfigError('METRICS_PORT', `${address.port} is already in use: choose another port.`);
    throw err;
  }
}
