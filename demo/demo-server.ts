/**
 * Starts the whole demo in this process: the token server with the demo identity provider and pages on the main
 * origin, and "someone else's site" on the second origin. `server.ts` runs it for `npm start`; tests run it too.
 */
import type { RequestListener } from 'node:http';
import type { Logger } from 'pino';
import { createApp, describeFeatures, type AppDeps } from '../token-server/src/app.js';
import { ConfigError, loadConfig } from '../token-server/src/config.js';
import { closeGracefully, listen } from '../token-server/src/http/listen.js';
import { stopServing } from '../token-server/src/http/shutdown.js';
import { listenForMetrics } from '../token-server/src/metrics/listener.js';
import { createDemoApp } from './demo-app.js';
import { DEMO_PUBLIC_KEY, demoOrigins, readDemoSettings, tokenServerEnvironment, usesDemoIdentity, usesDemoTools, type DemoAddresses } from './demo-settings.js';
import { startTodoMcpServer, type TodoServer } from './mcp-todos/todo-mcp-server.js';
import { loadOrCreateIdentityKeys } from './identity/identity-keys.js';
import { DemoIdentityProvider } from './identity/identity-provider.js';
import { identityRoutes } from './identity/identity-routes.js';
import { contentSecurityPolicy } from './page-headers.js';
import { createSecondOriginApp } from './second-origin/second-origin-app.js';
import { renderSite } from './site/render-site.js';

type Env = Record<string, string | undefined>;

export interface DemoServer {
  siteUrl: string;
  secondOriginUrl: string;
  logger: Logger;
  /** SHUTDOWN_TIMEOUT_MS */
  shutdownTimeoutMs: number;
  /** Stops the listeners (in-flight requests get `deadlineMs`, running replies end) and the token server; false if some were cut off. */
  close(deadlineMs: number): Promise<boolean>;
}

/** A listener whose handler is set once the app exists (the app needs the ports, which need a listener). */
function deferredHandler(): { listener: RequestListener; set(handler: RequestListener): void } {
  let handler: RequestListener = (_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
    res.end(JSON.stringify({ error: { code: 'starting', message: 'The demo server is starting; try again in a moment.' } }));
  };
  return { listener: (req, res) => handler(req, res), set: (next) => (handler = next) };
}

async function listenOn(listener: RequestListener, host: string, port: number, variable: string) {
  try {
    return await listen(listener, host, port);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new ConfigError(variable, `${port} is already in use: stop the other server or choose another port.`);
    throw err;
  }
}

function loopback(url: string): string {
  const { hostname, port } = new URL(url);
  return ['0.0.0.0', '[::]'].includes(hostname) ? `http://127.0.0.1:${port}` : url;
}

export async function startDemoServer(env: Env, deps: AppDeps = {}): Promise<DemoServer> {
  const settings = readDemoSettings(env);
  const mainHandler = deferredHandler();
  const secondHandler = deferredHandler();
  const main = await listenOn(mainHandler.listener, settings.host, settings.port, 'PORT');
  const second = await listenOn(secondHandler.listener, settings.host, settings.secondOriginPort, 'DEMO_SECOND_ORIGIN_PORT').catch(async (err) => {
    await closeGracefully(main.server, 0);
    throw err;
  });
  const siteUrl = env.PUBLIC_URL?.trim().replace(/\/+$/, '') || `http://localhost:${new URL(main.url).port}`;
  const loopbackUrl = loopback(main.url);
  let todos: TodoServer | undefined;

  try {
    // The agent's demo tool: a to-do list per user, acting only on the token this server forwards for that user.
    if (usesDemoTools(env)) todos = await startTodoMcpServer({ jwksUrl: `${loopbackUrl}/.well-known/jwks.json`, issuer: siteUrl });
    const addresses: DemoAddresses = { siteUrl, secondOriginUrl: `http://localhost:${new URL(second.url).port}`, loopbackUrl, todoMcpUrl: todos?.url };
    const config = loadConfig(tokenServerEnvironment(env, settings, addresses));
    const tokenServer = await createApp(config, deps);
    const metricsServer = await listenForMetrics(tokenServer, config).catch(async (err) => {
      await tokenServer.close();
      throw err;
    });
    const provider = new DemoIdentityProvider(await loadOrCreateIdentityKeys(config.dataDir), addresses.siteUrl);
    const publicKey = config.publicKeys[0]?.key ?? DEMO_PUBLIC_KEY;
    const origins = demoOrigins(addresses);
    const standIn = settings.chatkitScriptSrc ? [new URL(settings.chatkitScriptSrc).origin] : [];
    // Both origins' pages load the widget from, and talk to, the main origin (under either loopback spelling).
    const csp = contentSecurityPolicy({ scriptOrigins: [...origins.site, ...standIn], connectOrigins: origins.site });

    const site = await renderSite({
      server: addresses.siteUrl,
      publicKey,
      secondOriginUrl: addresses.secondOriginUrl,
      chatkitScriptSrc: settings.chatkitScriptSrc,
      settings: {
        allowedOrigins: config.allowedOrigins,
        publicKeys: config.publicKeys.map(({ key, origins }) => ({ key, origins })),
        demoSignIn: usesDemoIdentity(env),
        domainKeySet: config.chatkit.domainKey !== undefined,
      },
    });
    mainHandler.set(
      createDemoApp({
        site,
        csp,
        identity: identityRoutes({
          provider,
          siteOrigins: origins.site,
          rateLimits: tokenServer.stores.rateLimits,
          secureCookie: addresses.siteUrl.startsWith('https:'),
        }),
        tokenServer: tokenServer.app,
      }),
    );
    secondHandler.set(
      await createSecondOriginApp({
        server: addresses.siteUrl,
        publicKey,
        siteOrigin: new URL(addresses.secondOriginUrl).origin,
        demoUrl: addresses.siteUrl,
        chatkitScriptSrc: settings.chatkitScriptSrc,
        csp,
      }),
    );

    const { logger } = tokenServer;
    for (const [name, feature] of Object.entries(describeFeatures(config))) if (!feature.on) logger.info({ feature: name }, `${name} is off: ${feature.enable}`);
    if (!usesDemoIdentity(env)) logger.info('user JWTs are verified with your AUTH_* settings, so the demo sign-in tokens will not be accepted');

    const servers = [main.server, second.server, ...(metricsServer ? [metricsServer] : [])];
    return {
      ...addresses,
      logger,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      async close(deadlineMs) {
        const clean = await stopServing({ app: tokenServer, servers }, deadlineMs);
        await todos?.close();
        return clean;
      },
    };
  } catch (err) {
    await Promise.all([closeGracefully(main.server, 0), closeGracefully(second.server, 0), todos?.close()]);
    throw err;
  }
}
