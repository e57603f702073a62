/**
 * The token server as a library, for a site owner's own Node server or the production build's entry:
 * configuration, the Express app factory and the listener. `server.ts` is the command that uses these.
 */
export { createApp, describeFeatures, type App, type AppDeps } from './app.js';
export { ConfigError, loadConfig, type Config } from './config.js';
export { closeGracefully, listen } from './http/listen.js';
export { exitOnSignals, stopServing } from './http/shutdown.js';
export { listenForMetrics } from './metrics/listener.js';
