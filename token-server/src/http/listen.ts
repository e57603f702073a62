/**
 * The HTTP listener with timeouts that keep slow or idle clients from holding sockets, and a graceful
 * close: stop accepting, let in-flight requests finish within a deadline, then cut what is left.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Connections the kernel may queue before they are accepted (capped by `net.core.somaxconn`). Node's 511 overflows
 * when a burst of clients connects at once (the bench's 2,000 replies opening together): the kernel then drops or
 * resets the overflow, and those clients see ECONNRESET instead of a slower answer.
 */
const LISTEN_BACKLOG = 4_096;

export async function listen(handler: RequestListener, host: string, port: number): Promise<{ server: Server; url: string }> {
  const server = createServer(
    {
      headersTimeout: 15_000,
      requestTimeout: 30_000,
      // headersTimeout/requestTimeout are only enforced on this tick (30 s by default).
      connectionsCheckingInterval: 2_000,
    },
    handler,
  );
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { server, url: `http://${shownHost}:${address.port}` };
}

/** Resolves true when every request finished in time, false when connections had to be cut. */
export function closeGracefully(server: Server, deadlineMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve(false);
    }, deadlineMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve(true);
    });
    // Idle keep-alive sockets would hold `close` open until the deadline; busy ones finish their response first.
    server.closeIdleConnections();
  });
}
