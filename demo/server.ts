/**
 * `npm start`: one process serving the token server with the demo on http://localhost:8787 and "someone else's
 * site" on http://localhost:8788, on embedded defaults (see demo-settings.ts); `.env` and the environment win.
 */
import { existsSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { createApp, describeFeatures } from '../token-server/src/app.js';
import { ConfigError, loadConfig } from '../token-server/src/config.js';
import { closeGracefully, listen } from '../token-server/src/http/listen.js';
import { createDemoApp } from './demo-app.js';
import { DEMO_PUBLIC_KEY, demoOrigins, readDemoSettings, tokenServerEnvironment, usesDemoIdentity, type DemoAddresses } from './demo-settings.js';
import { loadOrCreateIdentityKeys } from './identity/identity-keys.js';
import { DemoIdentityProvider } from './identity/identity-provider.js';
import { identityRoutes } from './identity/identity-routes.js';
import { contentSecurityPolicy } from './page-headers.js';
import { createSecondOriginApp } from './second-origin/second-origin-app.js';
import { renderSite } from './site/render-site.js';

const SHUTDOWN_DEADLINE_MS = 10_000;

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
  return ['0.0.0.0', '[::]', '::'].includes(hostname) ? `http://127.0.0.1:${port}` : url;
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const settings = readDemoSettings(process.env);

  const mainHandler = deferredHandler();
  const secondHandler = deferredHandler();
  const mainServer = await listenOn(mainHandler.listener, settings.host, settings.port, 'PORT');
  const secondServer = await listenOn(secondHandler.listener, settings.host, settings.secondOriginPort, 'DEMO_SECOND_ORIGIN_PORT');
  const addresses: DemoAddresses = {
    siteUrl: process.env.PUBLIC_URL?.trim().replace(/\/+$/, '') || `http://localhost:${new URL(mainServer.url).port}`,
    secondOriginUrl: `http://localhost:${new URL(secondServer.url).port}`,
    loopbackUrl: loopback(mainServer.url),
  };

  const config = loadConfig(tokenServerEnvironment(process.env, settings, addresses));
  const tokenServer = await createApp(config);
  const provider = new DemoIdentityProvider(await loadOrCreateIdentityKeys(config.dataDir), addresses.siteUrl);
  const publicKey = config.publicKeys[0]?.key ?? DEMO_PUBLIC_KEY;
  const origins = demoOrigins(addresses);
  const standIn = settings.chatkitScriptSrc ? [new URL(settings.chatkitScriptSrc).origin] : [];
  // Both origins' pages load the widget from, and talk to, the main origin (under either loopback spelling).
  const csp = contentSecurityPolicy({ scriptOrigins: [...origins.site, ...standIn], connectOrigins: origins.site });

  const site = await renderSite({ server: addresses.siteUrl, publicKey, secondOriginUrl: addresses.secondOriginUrl, chatkitScriptSrc: settings.chatkitScriptSrc });
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

  for (const [name, feature] of Object.entries(describeFeatures(config)))
    if (!feature.on) tokenServer.logger.info({ feature: name }, `${name} is off: ${feature.enable}`);
  if (!usesDemoIdentity(process.env))
    tokenServer.logger.info('user JWTs are verified with your AUTH_* settings, so the demo sign-in tokens will not be accepted');
  console.log(`chat-kit-widget demo: open ${addresses.siteUrl}`);
  console.log(`  another site embedding it: ${addresses.secondOriginUrl}`);

  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(1); // a second signal means "now"
    stopping = true;
    const [mainClean, secondClean] = await Promise.all([
      closeGracefully(mainServer.server, SHUTDOWN_DEADLINE_MS),
      closeGracefully(secondServer.server, SHUTDOWN_DEADLINE_MS),
    ]);
    if (!mainClean || !secondClean) tokenServer.logger.warn('requests still running at the shutdown deadline were cut off');
    await tokenServer.close();
    tokenServer.logger.flush();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `demo server failed to start: ${(err as Error)?.message ?? err}`);
  process.exit(1);
});
