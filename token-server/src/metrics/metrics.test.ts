/**
 * `GET /metrics` as Prometheus and an operator use it: guarded by METRICS_TOKEN (or on a listener of its own),
 * counters that move with real traffic (a reply, a 429, a failed tool call, an upstream failure), and labels that
 * never hold a user id, a token or message text.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Agent, tool } from '@openai/agents';
import { SignJWT } from 'jose';
import { startOpenAIMock, type OpenAIMock } from '../../test-support/openai-mock.js';
import { scriptedModel, type ScriptedModel } from '../../test-support/openai-mock-model.js';
import { getJson, postJson, startTestApp, type TestServer } from '../../test-support/start-app.js';
import { createThread, parseEvents, startBackend, threadIdOf } from '../chatkit/testing/harness.js';
import { createMetrics } from './metrics.js';
import { closeGracefully, listen } from '../http/listen.js';

const USER_SECRET = 'metrics-test-user-secret-at-least-32b!';
const METRICS_TOKEN = 'metrics-token-0123456789abcdef0123456789';
const SITE = 'http://site.test';

/** A code tool of the site's agent: fails for one item, as a tool whose backend is down would. */
const checkStock = tool({
  name: 'check_stock',
  description: 'Says whether an item is in stock.',
  parameters: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'], additionalProperties: false },
  strict: true,
  async execute(input) {
    if ((input as { sku: string }).sku === 'broken') throw new Error('stock service unreachable');
    return 'in stock';
  },
});

/** The value of one sample in Prometheus text, 0 when absent (a counter that has not moved yet). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = match[2]?.split(',') ?? [];
    if (wanted.every((pair) => have.includes(pair)) && have.length === wanted.length) return Number(match[3]);
  }
  return 0;
}

describe('/metrics with METRICS_TOKEN', () => {
  let mock: OpenAIMock;
  let model: ScriptedModel;
  let server: TestServer;
  before(async () => {
    model = scriptedModel();
    mock = await startOpenAIMock(model.routes);
    server = await startTestApp({
      env: { METRICS_TOKEN, AUTH_JWT_SECRET: USER_SECRET, OPENAI_API_KEY: 'sk-test-metrics-canary', OPENAI_BASE_URL: mock.baseURL, PUBLIC_KEYS: `pk_metrics=${SITE}` },
      limits: { publicPerIpPerMinute: 2 },
      deps: { agent: new Agent({ name: 'Shop', instructions: 'Answer briefly.', tools: [checkStock] }) },
    });
  });
  after(async () => {
    await server.close();
    await mock.close();
  });

  const scrape = async () => {
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(res.status, 200);
    return res.text();
  };
  const userToken = (sub: string) =>
    new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime('5m').sign(new TextEncoder().encode(USER_SECRET));
  const chatkit = async (token: string, body: unknown) => {
    const res = await fetch(`${server.url}/api/chatkit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return parseEvents(await res.text());
  };

  test('without the token, or with a wrong one, the answer is 401 and no metric is shown', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${METRICS_TOKEN}`, `Bearer ${METRICS_TOKEN}x`]) {
      const res = await getJson(`${server.url}/metrics`, authorization ? { authorization } : {});
      assert.equal(res.status, 401, String(authorization));
      assert.equal(res.body.error.code, 'metrics_unauthorized');
      assert.equal(res.headers.get('www-authenticate'), 'Bearer');
      assert.doesNotMatch(res.text, /ckw_|process_/);
    }
  });

  test('with the token, Prometheus text with the process defaults and every metric the server keeps', async () => {
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const text = await res.text();
    for (const name of [
      'ckw_http_requests_total',
      'ckw_rate_limited_requests_total',
      'ckw_open_streams',
      'ckw_reply_time_to_first_event_seconds',
      'ckw_reply_duration_seconds',
      'ckw_model_calls_total',
      'ckw_tool_calls_total',
      'ckw_upstream_errors_total',
      'ckw_log_lines_dropped_total',
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
    ])
      assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
  });

  test('a reply moves the reply histograms, the model calls and the route counter; the stream is closed after', async () => {
    const before = await scrape();
    model.enqueue({ deltas: ['Hello ', 'there'] });
    const events = await chatkit(await userToken('user_m1'), createThread('hi'));
    assert.ok(events.some((e) => e.type === 'thread.item.done' && e.item.type === 'assistant_message'));
    const now = await scrape();
    const moved = (name: string, labels?: Record<string, string>) => sample(now, name, labels) - sample(before, name, labels);
    assert.equal(moved('ckw_reply_duration_seconds_count'), 1);
    assert.equal(moved('ckw_reply_time_to_first_event_seconds_count'), 1);
    assert.equal(moved('ckw_model_calls_total', { outcome: 'ok' }), 1);
    assert.equal(moved('ckw_http_requests_total', { route: '/api/chatkit', status: '200' }), 1);
    assert.equal(sample(now, 'ckw_open_streams'), 0);
  });

  test('an open stream is counted while it streams', async () => {
    model.enqueue({ deltas: ['Thinking'], fault: 'hang' });
    const hanging = model.hanging();
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/chatkit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await userToken('user_m2')}` },
      body: JSON.stringify(createThread('slow')),
      signal: controller.signal,
    });
    await hanging;
    assert.equal(sample(await scrape(), 'ckw_open_streams'), 1);
    controller.abort();
    await res.body?.cancel().catch(() => {});
    for (let i = 0; i < 200 && sample(await scrape(), 'ckw_open_streams') !== 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(sample(await scrape(), 'ckw_open_streams'), 0);
    assert.ok(sample(await scrape(), 'ckw_model_calls_total', { outcome: 'cancelled' }) >= 1);
  });

  test('a 429 moves the rate-limited counter for its route', async () => {
    const before = sample(await scrape(), 'ckw_rate_limited_requests_total', { route: '/api/chatkit/public' });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await postJson(`${server.url}/api/chatkit/public`, { public_key: 'pk_metrics' }, { origin: SITE })).status);
    assert.equal(statuses.at(-1), 429);
    const now = await scrape();
    assert.equal(sample(now, 'ckw_rate_limited_requests_total', { route: '/api/chatkit/public' }) - before, statuses.filter((s) => s === 429).length);
    assert.ok(sample(now, 'ckw_http_requests_total', { route: '/api/chatkit/public', status: '429' }) >= 1);
  });

  test('a tool that fails moves the failed tool calls, and one that works the successful ones', async () => {
    const before = await scrape();
    model.enqueue(
      { deltas: [], toolCalls: [{ name: 'check_stock', arguments: '{"sku":"broken"}' }] },
      { deltas: ['The stock service is down.'] },
      { deltas: [], toolCalls: [{ name: 'check_stock', arguments: '{"sku":"mug"}' }] },
      { deltas: ['Mugs are in stock.'] },
    );
    const token = await userToken('user_m3');
    for (const question of ['is the broken thing in stock?', 'are mugs in stock?']) {
      const events = await chatkit(token, createThread(question));
      assert.ok(events.some((e) => e.type === 'thread.item.done' && e.item.type === 'workflow'), JSON.stringify(events.map((e) => e.type)));
    }
    const now = await scrape();
    const moved = (outcome: string) => sample(now, 'ckw_tool_calls_total', { outcome, kind: 'server' }) - sample(before, 'ckw_tool_calls_total', { outcome, kind: 'server' });
    assert.equal(moved('error'), 1);
    assert.equal(moved('ok'), 1);
  });

  test('a model that answers 500 moves the upstream errors and the failed model calls', async () => {
    const before = await scrape();
    model.enqueue({ reject: { status: 500, message: 'boom' } }, { reject: { status: 500, message: 'boom' } });
    const events = await chatkit(await userToken('user_m4'), createThread('fail please'));
    assert.ok(events.some((e) => e.type === 'error' && e.allow_retry));
    const now = await scrape();
    assert.equal(sample(now, 'ckw_upstream_errors_total', { service: 'model', kind: 'http_5xx' }) - sample(before, 'ckw_upstream_errors_total', { service: 'model', kind: 'http_5xx' }), 1);
    assert.equal(sample(now, 'ckw_model_calls_total', { outcome: 'error' }) - sample(before, 'ckw_model_calls_total', { outcome: 'error' }), 1);
  });

  test('no label holds a user id, a token, message text, a URL path or a request id', async () => {
    const user = 'user_label_canary_7781';
    const token = await userToken(user);
    model.enqueue({ deltas: ['canary answer text'] });
    await chatkit(token, createThread('message-canary-text-4410'));
    await getJson(`${server.url}/some/secret-path-canary?key=query-canary`, { 'x-request-id': 'request-id-canary-55' });
    const text = await scrape();
    for (const canary of [user, token, 'message-canary-text-4410', 'canary answer text', 'secret-path-canary', 'query-canary', 'request-id-canary-55', METRICS_TOKEN, 'sk-test-metrics-canary'])
      assert.ok(!text.includes(canary), `${canary} is in /metrics`);
    const routes = new Set([...text.matchAll(/route="([^"]*)"/g)].map((m) => m[1]));
    assert.ok(routes.has('unmatched'));
    for (const route of routes) assert.ok(route === 'unmatched' || route!.startsWith('/'), route);
  });
});

describe('/metrics switched off or on an address of its own', () => {
  test('with neither METRICS_TOKEN nor METRICS_PORT, /metrics is a 404 and /readyz says how to turn it on', async () => {
    const server = await startTestApp();
    try {
      assert.equal((await getJson(`${server.url}/metrics`)).status, 404);
      const ready = await getJson(`${server.url}/readyz`);
      assert.match(ready.body.features.metrics.enable, /METRICS_TOKEN/);
    } finally {
      await server.close();
    }
  });

  test('with METRICS_PORT, the main port has no /metrics, and the metrics listener serves it without a token', async () => {
    const server = await startTestApp({ env: { METRICS_HOST: '127.0.0.1', METRICS_PORT: '9464' } });
    // The listener's own app, on an ephemeral port here (listenForMetrics uses METRICS_HOST:METRICS_PORT).
    const metrics = await listen(server.app.metricsApp!, '127.0.0.1', 0);
    try {
      assert.equal((await getJson(`${server.url}/metrics`)).status, 404);
      await getJson(`${server.url}/healthz`);
      const res = await fetch(`${metrics.url}/metrics`);
      assert.equal(res.status, 200);
      assert.ok(sample(await res.text(), 'ckw_http_requests_total', { route: '/healthz', status: '200' }) >= 1);
      const other = await getJson(`${metrics.url}/healthz`);
      assert.equal(other.status, 404);
      assert.equal(other.body.error.code, 'not_found');
    } finally {
      await closeGracefully(metrics.server, 1_000);
      await server.close();
    }
  });

  test('with METRICS_PORT and METRICS_TOKEN, the metrics listener asks for the token too', async () => {
    const server = await startTestApp({ env: { METRICS_PORT: '9464', METRICS_TOKEN } });
    const metrics = await listen(server.app.metricsApp!, '127.0.0.1', 0);
    try {
      assert.equal((await fetch(`${metrics.url}/metrics`)).status, 401);
      assert.equal((await fetch(`${metrics.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status, 200);
    } finally {
      await closeGracefully(metrics.server, 1_000);
      await server.close();
    }
  });
});

describe('client tools in the metrics', () => {
  test("a browser tool's result with an error counts as a failed client tool call, a plain result as a successful one", async () => {
    const metrics = createMetrics();
    const h = await startBackend({ metrics, clientTools: [{ name: 'get_location', parameters: { type: 'object', properties: {} } }] });
    try {
      for (const result of [{ error: 'permission denied' }, { city: 'Oslo' }]) {
        h.model.enqueue({ toolCall: { name: 'get_location', arguments: '{}' } }, { deltas: ['Done.'] });
        const threadId = threadIdOf((await h.call('ida', createThread('Where am I?'))).events);
        const next = await h.call('ida', { type: 'threads.add_client_tool_output', params: { thread_id: threadId, result } });
        assert.equal(next.status, 200);
      }
      const text = await metrics.text();
      assert.equal(sample(text, 'ckw_tool_calls_total', { outcome: 'error', kind: 'client' }), 1);
      assert.equal(sample(text, 'ckw_tool_calls_total', { outcome: 'ok', kind: 'client' }), 1);
    } finally {
      await h.close();
    }
  });
});
