import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { listenOnLoopback, type LoopbackServer } from '../../../test-support/loopback-server.js';
import { openEventStream } from './sse.js';

async function read(res: Response): Promise<{ status: number; type: string | null; text: string }> {
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

describe('the event stream', () => {
  let server: LoopbackServer;
  /** Lets the `/waits` stream send its first event. */
  let release = () => {};
  before(async () => {
    const app = express();
    app.get('/at-once', (_req, res) => {
      const sink = openEventStream(res);
      sink.send({ type: 'stream_options', stream_options: { allow_cancel: true } });
      sink.send({ type: 'error', code: 'custom', message: 'one', allow_retry: false });
      sink.end();
    });
    app.get('/waits', (_req, res) => {
      const sink = openEventStream(res);
      release = () => {
        sink.send({ type: 'stream_options', stream_options: { allow_cancel: true } });
        sink.end();
      };
    });
    server = await listenOnLoopback(createServer(app));
  });
  after(() => server.close());

  test('when events are sent at once, they arrive in order as ChatKit frames them', async () => {
    const answer = await read(await fetch(`${server.url}/at-once`));
    assert.equal(answer.status, 200);
    assert.equal(answer.type, 'text/event-stream');
    assert.equal(
      answer.text,
      'data: {"type":"stream_options","stream_options":{"allow_cancel":true}}\n\n' +
        'data: {"type":"error","code":"custom","message":"one","allow_retry":false}\n\n',
    );
  });

  // The stream sends nothing until the client has its headers: without them the fetch would wait to the timeout.
  test('when the first event waits, the headers still come at once, before it', { timeout: 5_000 }, async () => {
    const res = await fetch(`${server.url}/waits`);
    release();
    const answer = await read(res);
    assert.equal(answer.status, 200);
    assert.equal(answer.type, 'text/event-stream');
    assert.equal(answer.text, 'data: {"type":"stream_options","stream_options":{"allow_cancel":true}}\n\n');
  });
});
