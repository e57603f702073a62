/**
 * `GET /api/chatkit/capabilities` on the real app: what the environment turns on (uploads, dictation, the model
 * picker, composer tools) and nothing else; no token needed; cacheable with an ETag; CORS for the site origins
 * (ALLOWED_ORIGINS and publishable keys' origins) and no other; limited per IP like the rest of /api.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { COMPOSER_ENV } from '../../test-support/composer-env.js';
import { getJson, startTestApp, type TestServer } from '../../test-support/start-app.js';

const SITE = 'https://shop.example';
const KEY_SITE = 'https://blog.example';

describe('GET /api/chatkit/capabilities with everything on', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestApp({
      env: {
        OPENAI_API_KEY: 'sk-test-capabilities-canary',
        ALLOWED_ORIGINS: SITE,
        PUBLIC_KEYS: `pk_blog=${KEY_SITE}`,
        ...COMPOSER_ENV,
        CHATKIT_MCP_SERVERS: '[{"name":"cal","command":"node","args":["-e",""],"composer":{"label":"Calendar","icon":"calendar"}},{"name":"quiet","command":"node","args":["-e",""]}]',
      },
    });
  });
  after(() => server.close());

  test('answers exactly what the composer offers, without a token, and never a secret', async () => {
    const res = await getJson(`${server.url}/api/chatkit/capabilities`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      attachments: { enabled: true, accept: ['image/*', 'application/pdf'], max_size: 2000000, max_count: 3 },
      dictation: { enabled: true },
      models: [
        { id: 'gpt-5-mini', label: 'Fast', default: true },
        { id: 'gpt-5', label: 'Best', default: false },
      ],
      tools: [
        { id: 'web_search', label: 'Search the web', icon: 'globe', short_label: 'Search', pinned: false },
        { id: 'mcp:cal', label: 'Calendar', icon: 'calendar', pinned: false },
      ],
    });
    assert.doesNotMatch(res.text, /sk-test|gpt-4o-mini-transcribe|node/);
  });

  test('is cacheable for five minutes, and the same ETag gets a 304 without a body', async () => {
    const first = await getJson(`${server.url}/api/chatkit/capabilities`);
    assert.equal(first.headers.get('cache-control'), 'public, max-age=300');
    const etag = first.headers.get('etag');
    assert.match(etag ?? '', /^"[\w-]+"$/);
    const again = await fetch(`${server.url}/api/chatkit/capabilities`, { headers: { 'if-none-match': etag! } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
    const other = await fetch(`${server.url}/api/chatkit/capabilities`, { headers: { 'if-none-match': '"something-else"' } });
    assert.equal(other.status, 200);
  });

  test('a site origin and a publishable key origin may read it cross-origin; another origin gets no CORS grant', async () => {
    for (const origin of [SITE, KEY_SITE]) {
      const res = await getJson(`${server.url}/api/chatkit/capabilities`, { origin });
      assert.equal(res.headers.get('access-control-allow-origin'), origin);
    }
    const foreign = await getJson(`${server.url}/api/chatkit/capabilities`, { origin: 'https://evil.example' });
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    assert.match(foreign.headers.get('vary') ?? '', /Origin/);
  });
});

describe('GET /api/chatkit/capabilities with nothing extra configured', () => {
  test('everything is off; dictation stays off without a model service even when CHATKIT_TRANSCRIBE_MODEL is set', async () => {
    const server = await startTestApp({ env: { CHATKIT_TRANSCRIBE_MODEL: 'gpt-4o-mini-transcribe' } });
    try {
      const res = await getJson(`${server.url}/api/chatkit/capabilities`);
      assert.deepEqual(res.body, {
        attachments: { enabled: false, accept: [], max_size: 0, max_count: 0 },
        dictation: { enabled: false },
        models: [],
        tools: [],
      });
    } finally {
      await server.close();
    }
  });

  test('it is rate limited per IP like the rest of /api', async () => {
    const server = await startTestApp({ limits: { perIpPerMinute: 2 } });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await getJson(`${server.url}/api/chatkit/capabilities`)).status);
      assert.deepEqual(statuses, [200, 200, 429]);
    } finally {
      await server.close();
    }
  });
});
