/**
 * Dictation (`input.transcribe`): ChatKit's recording goes to the OpenAI transcription API (the mock reads the
 * multipart upload as the real one does) and the text comes back as `{ text }`. Wrong types, bad base64, empty and
 * oversized recordings are refused before anything goes upstream; upstream failures and timeouts are clear errors
 * that carry no secret; with dictation off the answer names CHATKIT_TRANSCRIBE_MODEL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TranscriptionSent } from '../../test-support/openai-mock-audio.js';
import { API_KEY, startBackend, type Harness } from './testing/harness.js';

const AUDIO = Buffer.from('OggS fake opus frames for the test');
const transcribe = (audio_base64: string, mime_type = 'audio/webm;codecs=opus') => ({ type: 'input.transcribe', params: { audio_base64, mime_type } });

describe('dictation with CHATKIT_TRANSCRIBE_MODEL', () => {
  let h: Harness;
  before(async () => {
    h = await startBackend({ transcribeModel: 'gpt-4o-mini-transcribe', limits: { maxAudioBytes: 128 * 1024, transcribeTimeoutMs: 300 } });
  });
  after(() => h.close());

  const transcriptions = () => h.mock.requests.filter((r) => r.path === '/v1/audio/transcriptions');

  for (const [mime, fileName] of [
    ['audio/webm;codecs=opus', 'dictation.webm'],
    ['audio/mp4', 'dictation.mp4'],
    ['audio/ogg;codecs=opus', 'dictation.ogg'],
  ] as const)
    test(`a ${mime} recording becomes the text the API heard, sent with the configured model`, async () => {
      const reply = await h.call('alice', transcribe(AUDIO.toString('base64'), mime));
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body, { text: 'Hello from the microphone' });
      const sent = transcriptions().at(-1)!;
      const body = sent.body as TranscriptionSent;
      assert.equal(body.model, 'gpt-4o-mini-transcribe');
      assert.equal(body.fileName, fileName);
      assert.equal(body.fileType, mime.split(';')[0]);
      assert.deepEqual(body.bytes, AUDIO);
      assert.equal(sent.headers.authorization, `Bearer ${API_KEY}`);
    });

  test('anything but webm, mp4 or ogg audio, bad base64, an empty or too long recording: a clear 4xx, nothing sent upstream', async () => {
    const before = transcriptions().length;
    const cases: [unknown, number, string][] = [
      [transcribe(AUDIO.toString('base64'), 'audio/wav'), 415, 'unsupported_audio_type'],
      [transcribe(AUDIO.toString('base64'), 'video/webm'), 415, 'unsupported_audio_type'],
      [transcribe('not base64 at all!'), 400, 'invalid_audio'],
      [transcribe('QUJD='), 400, 'invalid_audio'],
      [transcribe(''), 400, 'empty_audio'],
      [transcribe(Buffer.alloc(128 * 1024 + 1).toString('base64')), 413, 'audio_too_large'],
    ];
    for (const [body, status, code] of cases) {
      const reply = await h.call('alice', body);
      assert.equal(reply.status, status, code);
      assert.equal(reply.body.error.code, code);
    }
    assert.equal(transcriptions().length, before);
  });

  test('a failing transcription API is a 502 that says to try again, without the upstream message or the key', async () => {
    h.mock.fault({ kind: 'status', status: 500, pathPrefix: '/v1/audio', times: 2 });
    const reply = await h.call('alice', transcribe(AUDIO.toString('base64')));
    assert.equal(reply.status, 502);
    assert.equal(reply.body.error.code, 'transcription_failed');
    assert.doesNotMatch(reply.text + h.logs(), /mock fault|sk-test-canary/);
  });

  test('a transcription API that does not answer in time is a 504', async () => {
    h.mock.fault({ kind: 'slow', delayMs: 5_000, pathPrefix: '/v1/audio', times: 2 });
    const reply = await h.call('alice', transcribe(AUDIO.toString('base64')));
    assert.equal(reply.status, 504);
    assert.equal(reply.body.error.code, 'transcription_timeout');
    h.mock.clearFaults();
  });

  test('a recording may be larger than other requests, but other request types keep their own body limit', async () => {
    const big = { type: 'threads.create', params: { input: { content: [{ type: 'input_text', text: 'x'.repeat(70 * 1024) }], attachments: [], inference_options: {} } } };
    const reply = await h.call('alice', big);
    assert.equal(reply.status, 413);
    assert.equal(reply.body.error.code, 'body_too_large');
  });
});

describe('dictation off', () => {
  test('input.transcribe answers 400 dictation_off naming CHATKIT_TRANSCRIBE_MODEL, and sends nothing upstream', async () => {
    const h = await startBackend();
    try {
      const reply = await h.call('alice', transcribe(AUDIO.toString('base64')));
      assert.equal(reply.status, 400);
      assert.equal(reply.body.error.code, 'dictation_off');
      assert.match(reply.body.error.message, /CHATKIT_TRANSCRIBE_MODEL/);
      assert.equal(h.mock.requests.length, 0);
      assert.equal(h.backend.capabilities.dictation.enabled, false);
    } finally {
      await h.close();
    }
  });
});
