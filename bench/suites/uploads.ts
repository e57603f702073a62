/**
 * Attachment uploads: 20 clients at once each create an attachment and PUT its bytes to the two-phase upload URL.
 * Figures: throughput (MB/s of file bytes stored) and the server's peak RSS with 10 MB files, against the same with
 * 1 MB files: uploads stream to storage, so memory must not grow with the file size.
 */
import { randomBytes } from 'node:crypto';
import type { BenchFlags } from '../harness/args.js';
import { createIdentity, userTokens } from '../harness/identity.js';
import type { Report } from '../harness/report.js';
import { SITE_ORIGIN, startMock, startTokenServer, type TokenServer } from '../harness/stack.js';
import { MiB } from '../harness/stats.js';

const CLIENTS = 20;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One round: every client uploads one file of `bytes`; the server's peak RSS is sampled meanwhile. */
async function round(server: TokenServer, tokens: string[], bytes: number): Promise<{ seconds: number; peakRss: number; idleRss: number }> {
  const file = Buffer.concat([PNG_SIGNATURE, randomBytes(bytes - PNG_SIGNATURE.length)]);
  const body = new Uint8Array(file);
  const idleRss = (await server.probe()).rssBytes;
  let peakRss = idleRss;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peakRss = Math.max(peakRss, (await server.probe()).rssBytes);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const started = performance.now();
  await Promise.all(
    tokens.map(async (token) => {
      const created = await fetch(`${server.url}/api/chatkit`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', origin: SITE_ORIGIN },
        body: JSON.stringify({ type: 'attachments.create', params: { name: 'bench.png', size: file.length, mime_type: 'image/png' } }),
      });
      if (created.status !== 200) throw new Error(`attachments.create answered ${created.status}: ${await created.text()}`);
      const { upload_descriptor: upload } = (await created.json()) as { upload_descriptor: { url: string } };
      const res = await fetch(upload.url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body });
      if (res.status !== 200) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  sampling = false;
  await sampler;
  return { seconds, peakRss, idleRss };
}

export async function uploadsSuite(report: Report, _flags: BenchFlags): Promise<void> {
  const identity = await createIdentity();
  const mock = await startMock(identity);
  const server = await startTokenServer(mock, 'token-server', [], {
    CHATKIT_ATTACHMENTS: 'image/png',
    CHATKIT_ATTACHMENT_MAX_BYTES: String(16 * 1024 * 1024),
  });
  try {
    const tokens = await userTokens(identity, CLIENTS);
    await round(server, tokens, 64 * 1024); // warm-up: code paths loaded, connections made
    const small = await round(server, tokens, 1024 * 1024);
    const large = await round(server, tokens, 10 * 1024 * 1024);
    const mbPerSecond = (result: { seconds: number }, bytes: number) => (CLIENTS * bytes) / 1e6 / result.seconds;
    report.add({
      suite: 'uploads',
      name: `${CLIENTS} clients x 10 MB two-phase upload: throughput`,
      value: mbPerSecond(large, 10 * 1024 * 1024),
      unit: 'MB/s',
      baseline: { name: 'same with 1 MB files', value: mbPerSecond(small, 1024 * 1024) },
      note: `disk storage in DATA_DIR; ${large.seconds.toFixed(2)} s for ${CLIENTS * 10} MB`,
    });
    report.add({
      suite: 'uploads',
      name: `${CLIENTS} clients x 10 MB two-phase upload: server peak RSS`,
      value: large.peakRss / MiB,
      unit: 'MiB',
      baseline: { name: 'same with 1 MB files', value: small.peakRss / MiB },
      note: `RSS before the round ${(large.idleRss / MiB).toFixed(0)} MiB; ${CLIENTS * 10} MB uploaded in the round`,
    });
  } finally {
    await server.stop();
    await mock.stop();
  }
}
