/**
 * The real servers the browser tests talk to, started in the test runner's node process: token servers
 * built by `createApp` (through the token server's own test stack: JWKS server for Better-Auth-style user
 * JWTs, OpenAI mock with hosted-session routes). Tests reach them over real cross-origin HTTP, and drive
 * them through test-runner commands (`executeServerCommand`).
 */
import { createServer } from 'node:net';
import type { TestRunnerPlugin } from '@web/test-runner-core';
import type { Fault } from '../../../token-server/test-support/openai-mock.js';
import { COMPOSER_ENV } from '../../../token-server/test-support/composer-env.js';
import { startStack, type Stack } from '../../../token-server/test-support/stack.js';

export const PUBLIC_KEY = 'pk_test';
/** A key the servers know, for another site's origin only. */
export const FOREIGN_KEY = 'pk_elsewhere';

export type StackName = 'hosted' | 'custom' | 'tight' | 'quota' | 'composer';

/** What a test page learns about its servers. */
export interface TestEnv {
  site: string;
  /** Token server whose anonymous visitors get hosted ChatKit sessions. */
  hosted: string;
  /** Token server whose anonymous visitors get the custom backend (the default configuration). */
  custom: string;
  /** Hosted-mode token server allowing one public request per minute per IP. */
  tight: string;
  /** Custom-backend token server whose users may keep one thread each. */
  quota: string;
  /** Custom-backend token server offering uploads, dictation, a model picker and a composer tool. */
  composer: string;
  /** A loopback address where nothing listens. */
  unreachable: string;
  publicKey: string;
  foreignKey: string;
}

/** Limits high enough that a whole test run never meets them. */
const ROOMY = { perIpPerMinute: 10_000, perUserPerMinute: 10_000, perPublicKeyPerMinute: 10_000, publicPerIpPerMinute: 10_000, publicPerVisitorPerMinute: 10_000 };

async function unusedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export { unusedPort };

export function backendsPlugin(site: string): TestRunnerPlugin {
  const stacks = new Map<StackName, Stack>();
  let env: TestEnv | undefined;
  const stack = (name: unknown) => {
    const found = stacks.get(name as StackName);
    if (!found) throw new Error(`no test stack named ${String(name)}`);
    return found;
  };

  return {
    name: 'ckw-backends',
    async serverStart() {
      const keys = `${PUBLIC_KEY}=${site};${FOREIGN_KEY}=https://elsewhere.example`;
      const common = { ALLOWED_ORIGINS: site, PUBLIC_KEYS: keys, LOG_LEVEL: 'silent' };
      const [hosted, custom, tight, quota, composer] = await Promise.all([
        startStack({ env: { ...common, CHATKIT_BACKEND: 'hosted' }, limits: ROOMY }),
        startStack({ env: common, limits: ROOMY }),
        startStack({ env: { ...common, CHATKIT_BACKEND: 'hosted' }, limits: { ...ROOMY, publicPerIpPerMinute: 1 } }),
        startStack({ env: { ...common, CHATKIT_QUOTA_THREADS: '1' }, limits: ROOMY }),
        startStack({ env: { ...common, ...COMPOSER_ENV }, limits: ROOMY }),
      ]);
      stacks.set('hosted', hosted).set('custom', custom).set('tight', tight).set('quota', quota).set('composer', composer);
      env = {
        site,
        hosted: hosted.url,
        custom: custom.url,
        tight: tight.url,
        quota: quota.url,
        composer: composer.url,
        unreachable: `http://127.0.0.1:${await unusedPort()}`,
        publicKey: PUBLIC_KEY,
        foreignKey: FOREIGN_KEY,
      };
    },
    async serverStop() {
      await Promise.all([...stacks.values()].map((s) => s.close()));
    },
    async executeCommand({ command, payload }) {
      const args = (payload ?? {}) as { stack?: StackName; sub?: string; expiresIn?: number; fault?: Fault };
      switch (command) {
        case 'ckw-env':
          return env;
        case 'ckw-user-token':
          return stack(args.stack).jwks.sign({ sub: args.sub }, args.expiresIn === undefined ? {} : { expiresIn: args.expiresIn });
        case 'ckw-sessions':
          return stack(args.stack).sessions.list;
        case 'ckw-openai-fault':
          stack(args.stack).openai.fault(args.fault!);
          return true;
        case 'ckw-openai-clear':
          stack(args.stack).openai.clearFaults();
          return true;
        default:
          return undefined;
      }
    },
  };
}
