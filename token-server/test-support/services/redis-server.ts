/**
 * A real Redis (Debian's `redis-server`) for a test, on 127.0.0.1 and a free port, without persistence, stopped
 * by its own pid. It can be killed and started again on the same port (the client's reconnect is then tested).
 *
 *   const redis = await startRedis();  redis.url;  await redis.restart();  await redis.stop();
 */
import { createConnection } from 'node:net';
import { freePort, requireProgram, spawnService, waitFor, type ChildService } from './process.js';

const REDIS_SERVER = '/usr/bin/redis-server';

export interface RedisServer {
  url: string;
  port: number;
  /** The server process (for CPU readings); undefined while it is down. */
  pid(): number | undefined;
  /** Kills it (SIGKILL: nothing is saved) and starts an empty one on the same port. */
  restart(): Promise<void>;
  /** Kills it and leaves it down until `start()`. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** True when something answers PONG on the port. */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(1_000, () => socket.destroy());
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      resolve(data.toString().startsWith('+PONG'));
      socket.destroy();
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

export async function startRedis(): Promise<RedisServer> {
  const program = requireProgram(REDIS_SERVER, 'apt-get install -y redis-server');
  const port = await freePort();
  let service: ChildService | undefined;

  const start = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp', '--loglevel', 'warning'];
    const started = spawnService(program, args);
    service = started;
    await waitFor(`redis-server on port ${port}`, () => pong(port)).catch((err: Error) => {
      throw new Error(`${err.message}: ${started.output()}`);
    });
  };
  const kill = async () => {
    await service?.stop('SIGKILL');
    service = undefined;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: () => service?.child.pid,
    start,
    kill,
    async restart() {
      await kill();
      await start();
    },
    async stop() {
      await service?.stop('SIGTERM');
      service = undefined;
    },
  };
}
