/**
 * Generated hostile requests against two instances behind the proxy: ChatKit requests (every type, wrong types,
 * huge values, unicode, prototype keys, broken JSON; some to the stop endpoint) and token-endpoint bodies. Whatever arrives, the answer is
 * never a 5xx and no instance crashes. The generator is seeded, so a failure names the case that reproduces it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CLUSTER_PUBLIC_KEY, CLUSTER_SITE_ORIGIN, startCluster, type Cluster } from '../../test-support/cluster.js';

const SEED = 0x5eed11;
const CASES = 1_000;

/** mulberry32: small, fast, and the same sequence for the same seed. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  return { next, int, pick };
}
type Random = ReturnType<typeof random>;

const TYPES = [
  'threads.create', 'threads.add_user_message', 'threads.add_client_tool_output', 'threads.retry_after_item', 'threads.custom_action',
  'threads.add_structured_input', 'threads.get_by_id', 'threads.list', 'items.list', 'items.feedback', 'threads.update', 'threads.delete',
  'attachments.create', 'attachments.delete', 'input.transcribe', 'threads.sync_custom_action', 'threads.nope', '', '__proto__',
] as const;
const STRINGS = ['', ' ', 'thr_x', 'msg_x', 'ü🙂𝄞', '\u0000\u202e', '<script>alert(1)</script>', "'; DROP TABLE chatkit_threads; --", '%s%n', 'a'.repeat(70_000)];
const KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'thread_id', 'input', 'content', 'text', 'limit', 'order', 'after', 'kind', 'title', 'type'];

/** A JSON text for a random value; objects are written by hand so `__proto__` really is a key on the wire. */
function value(r: Random, depth = 0): string {
  switch (r.int(depth > 3 ? 5 : 8)) {
    case 0:
      return JSON.stringify(r.pick(STRINGS));
    case 1:
      return r.pick(['0', '-1', '1e308', '-0', '18446744073709551616', '0.5', '1e-400']);
    case 2:
      return r.pick(['true', 'false']);
    case 3:
      return 'null';
    case 4:
      return JSON.stringify(r.pick(KEYS));
    case 5:
      return `[${Array.from({ length: r.int(4) }, () => value(r, depth + 1)).join(',')}]`;
    default:
      return `{${Array.from({ length: r.int(5) }, () => `${JSON.stringify(r.pick(KEYS))}:${value(r, depth + 1)}`).join(',')}}`;
  }
}

/** A ChatKit request: mostly well-formed envelopes with one wrong part, some outright garbage. */
function chatkitBody(r: Random, threadId: string): string {
  const input = () =>
    r.next() < 0.5
      ? `{"content":[{"type":"input_text","text":${value(r)}}],"attachments":${r.pick(['[]', value(r)])},"inference_options":${r.pick(['{}', value(r)])}}`
      : value(r);
  const params = r.pick([
    () => `{"input":${input()}}`,
    () => `{"thread_id":${r.pick([JSON.stringify(threadId), value(r)])},"input":${input()}}`,
    () => `{"thread_id":${JSON.stringify(threadId)},"limit":${value(r)},"order":${value(r)},"after":${value(r)}}`,
    () => `{"thread_id":${JSON.stringify(threadId)},"item_ids":${value(r)},"kind":${value(r)},"title":${value(r)}}`,
    () => value(r),
  ])();
  const text = JSON.stringify(r.pick(STRINGS.slice(2, 8)));
  const valid = [
    `{"type":"threads.list","params":{"limit":${r.int(150)},"order":"${r.pick(['asc', 'desc'])}"}}`,
    `{"type":"threads.get_by_id","params":{"thread_id":${JSON.stringify(threadId)}}}`,
    `{"type":"items.list","params":{"thread_id":${JSON.stringify(threadId)},"limit":${r.int(150)}}}`,
    `{"type":"threads.update","params":{"thread_id":${JSON.stringify(threadId)},"title":${text}}}`,
    `{"type":"threads.create","params":{"input":{"content":[{"type":"input_text","text":${text}}],"attachments":[],"inference_options":{}}}}`,
  ];
  return r.pick([
    () => r.pick(valid),
    () => `{"type":${JSON.stringify(r.pick(TYPES))},"params":${params}}`,
    () => `{"type":${JSON.stringify(r.pick(TYPES))},"params":${params},"metadata":${value(r)},"__proto__":{"admin":true}}`,
    () => value(r),
    () => `{"type":"threads.list","params":{}`, // cut short
    () => `${'['.repeat(200)}${']'.repeat(200)}`,
  ])();
}

function tokenBody(r: Random): { path: string; body: string } {
  const path = r.pick(['/api/chatkit/public', '/api/chatkit/refresh', '/api/chatkit/start']);
  const body = r.pick([
    () => `{"public_key":${r.pick([JSON.stringify(CLUSTER_PUBLIC_KEY), value(r)])},"visitor_token":${value(r)}}`,
    () => `{"public_key":${JSON.stringify(CLUSTER_PUBLIC_KEY)},"currentClientSecret":${value(r)},"__proto__":{"polluted":1}}`,
    () => `{"currentClientSecret":${value(r)}}`,
    () => value(r),
    () => '{"public_key": "pk_cluster"',
  ])();
  return { path, body };
}

describe('fuzzing two instances', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster({ env: { RATE_LIMIT_PER_KEY: '1000000', RATE_LIMIT_PER_USER: '1000000' } });
  });
  after(() => cluster?.close());

  test(`${CASES} generated ChatKit requests and ${CASES} token-endpoint bodies: zero 5xx, zero crashes`, async () => {
    const r = random(SEED);
    const users = await Promise.all(Array.from({ length: 25 }, (_, i) => cluster.userToken(`fuzz_user_${i}`)));
    const seeded = await fetch(`${cluster.proxy.url}/api/chatkit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${users[0]}` },
      body: JSON.stringify({ type: 'threads.create', params: { input: { content: [{ type: 'input_text', text: 'seed' }], attachments: [], inference_options: {} } } }),
    });
    const threadId = /"thread":\{[^}]*"id":"(thr_[^"]+)"/.exec(await seeded.text())![1]!;

    const cases: { name: string; send: () => Promise<Response> }[] = [];
    for (let i = 0; i < CASES; i++) {
      // One in ten goes to the stop endpoint, with a stop-shaped or a random body.
      const path = r.next() < 0.1 ? '/api/chatkit/stop' : '/api/chatkit';
      const body = path === '/api/chatkit' ? chatkitBody(r, threadId) : r.pick([`{"thread_id":${r.pick([JSON.stringify(threadId), value(r)])}}`, value(r)]);
      const token = r.next() < 0.9 ? users[r.int(users.length)]! : r.pick(['', 'garbage', users[0]!.slice(0, -3) + 'abc']);
      const contentType = r.pick(['application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded']);
      cases.push({
        name: `chatkit #${i} ${path}: ${body.slice(0, 120)}`,
        send: () =>
          fetch(`${cluster.proxy.url}${path}`, {
            method: 'POST',
            headers: { 'content-type': contentType, authorization: `Bearer ${token}`, 'x-test-client-ip': `10.0.${i % 250}.${r.int(250)}` },
            body,
          }),
      });
    }
    for (let i = 0; i < CASES; i++) {
      const { path, body } = tokenBody(r);
      const headers: Record<string, string> = { 'content-type': 'application/json', origin: r.pick([CLUSTER_SITE_ORIGIN, 'http://evil.test', 'null']) };
      if (path !== '/api/chatkit/public') headers.authorization = `Bearer ${users[r.int(users.length)]}`;
      headers['x-test-client-ip'] = `10.1.${i % 250}.${r.int(250)}`;
      cases.push({ name: `token #${i} ${path}: ${body.slice(0, 120)}`, send: () => fetch(`${cluster.proxy.url}${path}`, { method: 'POST', headers, body }) });
    }

    const statuses = new Map<number, number>();
    const failures: string[] = [];
    for (let start = 0; start < cases.length; start += 8) {
      await Promise.all(
        cases.slice(start, start + 8).map(async ({ name, send }) => {
          const res = await send();
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status >= 500) failures.push(`${res.status} ${name}`);
        }),
      );
    }
    const summary = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}: ${n}`).join(', ');
    console.log(`# fuzz (seed ${SEED}): ${cases.length} requests (${CASES} ChatKit, ${CASES} token endpoint); statuses ${summary}`);
    assert.deepEqual(failures, []);
    assert.ok(cluster.instances.every((instance) => instance.alive()), 'no instance crashed');
    for (const instance of cluster.instances) assert.equal((await fetch(`${instance.url}/healthz`)).status, 200);
  });
});
