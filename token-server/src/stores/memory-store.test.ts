import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { manualClock } from '../../test-support/start-app.js';
import { createMemoryStores } from './memory-store.js';

describe('memory store', () => {
  test('a secret binding is kept until its expiry, then forgotten', async () => {
    const clock = manualClock(1_000_000);
    const stores = createMemoryStores({ clock });
    await stores.secrets.put('h1', { userId: 'u1', sessionId: 's1', expiresAt: 1_000 + 60 });
    assert.deepEqual(await stores.secrets.get('h1'), { userId: 'u1', sessionId: 's1', expiresAt: 1_060 });
    clock.advance(60_000);
    assert.equal(await stores.secrets.get('h1'), undefined);
  });

  test('a flood of keys never grows a map past its bound; the oldest go first', async () => {
    const clock = manualClock();
    const stores = createMemoryStores({ clock, maxEntries: 100 });
    const expiresAt = Math.floor(clock.now() / 1000) + 600;
    for (let i = 0; i < 1_000; i++) await stores.secrets.put(`h${i}`, { userId: 'u', sessionId: `s${i}`, expiresAt });
    for (let i = 0; i < 1_000; i++) await stores.rateLimits.consume(`ip:${i}`, 5, 60_000);
    assert.deepEqual(stores.sizes(), { secrets: 100, rateLimits: 100 });
    assert.equal(await stores.secrets.get('h0'), undefined);
    assert.equal((await stores.secrets.get('h999'))?.sessionId, 's999');
  });

  test('reply-claim fencing tokens keep growing across a restart (a new store), so a database never refuses the new ones', async () => {
    const before = (await createMemoryStores({ clock: manualClock() }).replyLocks.acquire('thr_1'))!;
    await new Promise((resolve) => setTimeout(resolve, 2));
    const after = (await createMemoryStores({ clock: manualClock() }).replyLocks.acquire('thr_1'))!;
    assert.ok(after.token > before.token);
  });

  test('a rate limit allows `limit` requests per window, then says how long to wait, then resets', async () => {
    const clock = manualClock();
    const { rateLimits } = createMemoryStores({ clock });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await rateLimits.consume('k', 3, 60_000));
    assert.deepEqual(results.map((r) => r.allowed), [true, true, true, false]);
    assert.equal(results[3]!.retryAfterSeconds, 60);
    clock.advance(45_000);
    assert.equal((await rateLimits.consume('k', 3, 60_000)).retryAfterSeconds, 15);
    clock.advance(15_000);
    assert.equal((await rateLimits.consume('k', 3, 60_000)).allowed, true);
    assert.equal((await rateLimits.consume('other', 3, 60_000)).allowed, true, 'keys are counted apart');
  });
});
