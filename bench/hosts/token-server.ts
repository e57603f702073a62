/**
 * The real token server for the bench, from the production build (`dist/server`, plain JavaScript, no TypeScript
 * loader): `loadConfig(env)`, `createApp(config)` and `listen` exactly as `server.ts` uses them, on an ephemeral
 * loopback port. Only the rate limits are lifted (the limiter still runs on
 * every request), since one load generator on one IP would otherwise measure nothing but 429s.
 */
import { createApp, listen, loadConfig, type Config } from 'chat-kit-widget/server';
import { announceListening } from '../harness/ipc.js';

const UNLIMITED = 1_000_000_000;
const loaded = loadConfig(process.env);
const config: Config = {
  ...loaded,
  limits: { ...loaded.limits, perIpPerMinute: UNLIMITED, perUserPerMinute: UNLIMITED, perPublicKeyPerMinute: UNLIMITED, publicPerIpPerMinute: UNLIMITED, publicPerVisitorPerMinute: UNLIMITED },
};

const { app } = await createApp(config);
const { url } = await listen(app, '127.0.0.1', 0);
announceListening(url);
