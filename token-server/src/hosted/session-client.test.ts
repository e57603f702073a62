import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { pino } from 'pino';
import { HttpError } from '../http/errors.js';
import { createMetrics } from '../metrics/metrics.js';
import { startOpenAIMock, type OpenAIMock } from '../../test-support/openai-mock.js';
import { MOCK_OPENAI_API_KEY, mockChatKitSessions } from '../../test-support/openai-mock-sessions.js';
import { createSessionClient } from './session-client.js';

/**
 * The total deadline of one session call, retries included, which the app leaves at its default (8 s, above the
 * 5 s per attempt). Here it is shorter than one attempt's timeout, so it is what ends a hung call.
 */
describe('session client: the total deadline', () => {
  let openai: OpenAIMock;
  before(async () => {
    openai = await startOpenAIMock(mockChatKitSessions().routes);
  });
  after(() => openai.close());
  beforeEach(() => openai.clearFaults());

  const client = (deadlineMs: number) => {
    const metrics = createMetrics();
    const sessions = createSessionClient({
      apiKey: MOCK_OPENAI_API_KEY,
      baseURL: openai.baseURL,
      workflowId: 'wf_deadline',
      ttlSeconds: 600,
      logger: pino({ level: 'silent' }),
      metrics,
      clientOptions: { timeout: 60_000 },
      deadlineMs,
    });
    return { sessions, metrics };
  };

  test('when OpenAI hangs past the deadline, then 504 upstream_timeout, counted as a timeout, with no retry sent after it', async () => {
    openai.fault({ kind: 'slow', delayMs: 30_000, pathPrefix: '/v1/chatkit/sessions' });
    const { sessions, metrics } = client(300);
    const sent = openai.requests.length;
    const err = await sessions.create('user_deadline').then(
      () => assert.fail('a hung upstream cannot give a session'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof HttpError);
    assert.deepEqual([err.status, err.code, err.message], [504, 'upstream_timeout', 'OpenAI did not answer in time; try again.']);
    const attempts = openai.requests.slice(sent);
    assert.equal(attempts.length, 1, 'the retry would start after the deadline, so it is not sent');
    // The mock learns of the cut-off connection a moment after the client gave up on it.
    for (let i = 0; i < 100 && !attempts[0]!.aborted; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(attempts[0]!.aborted, true, 'the hung attempt was cut off at the deadline');
    assert.match(await metrics.text(), /ckw_upstream_errors_total\{service="hosted_sessions",kind="timeout"\} 1/);
  });

  test('when OpenAI answers within the deadline, then the session', async () => {
    const { sessions } = client(5_000);
    const session = await sessions.create('user_deadline');
    assert.match(session.client_secret, /^ek_/);
  });
});
