/**
 * The contract every `Stores` implementation keeps, as one test suite run against each (memory, Redis): what
 * routes rely on, asserted through the interface only. To cover a new method, add a `describe` block here;
 * every implementation then has to pass it. Blocks under "shared" run only for implementations whose
 * separately opened instances see one state (what several server instances rely on).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Stores } from './store.js';

export interface StoresUnderTest {
  name: string;
  /** Opens a store; reply claims must expire `replyLockTtlMs` after their holder stops renewing them. */
  open(options: { replyLockTtlMs: number }): Promise<Stores>;
  /** True when two opened stores share state, as two server instances on one Redis do. */
  shared: boolean;
}

const REPLY_LOCK_TTL_MS = 1_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const unique = (what: string) => `${what}_${randomUUID()}`;

export function storesContract(impl: StoresUnderTest): void {
  describe(`the ${impl.name} stores keep the store contract`, () => {
    let stores: Stores;
    before(async () => {
      stores = await impl.open({ replyLockTtlMs: REPLY_LOCK_TTL_MS });
    });
    after(() => stores.close());

    test('they answer a ping', async () => {
      assert.equal(await stores.ping(), true);
    });

    describe('secret bindings', () => {
      test('a binding is returned as stored until deleted', async () => {
        const hash = unique('h');
        const binding = { userId: 'user_ü🙂', sessionId: unique('cksess'), expiresAt: Math.floor(Date.now() / 1000) + 600 };
        await stores.secrets.put(hash, binding);
        assert.deepEqual(await stores.secrets.get(hash), binding);
        await stores.secrets.delete(hash);
        assert.equal(await stores.secrets.get(hash), undefined);
      });

      test('a binding past its expiry is not returned, and an unknown hash is undefined', async () => {
        const hash = unique('h');
        await stores.secrets.put(hash, { userId: 'u', sessionId: 's', expiresAt: Math.floor(Date.now() / 1000) - 1 });
        assert.equal(await stores.secrets.get(hash), undefined);
        assert.equal(await stores.secrets.get(unique('never')), undefined);
      });
    });

    describe('rate limits', () => {
      test('a key allows `limit` requests in its window, then says how long to wait; other keys are apart', async () => {
        const key = unique('ip');
        const results = [];
        for (let i = 0; i < 4; i++) results.push(await stores.rateLimits.consume(key, 3, 60_000));
        assert.deepEqual(results.map((r) => r.allowed), [true, true, true, false]);
        assert.ok(results[3]!.retryAfterSeconds >= 59 && results[3]!.retryAfterSeconds <= 60, `Retry-After ${results[3]!.retryAfterSeconds}`);
        assert.equal((await stores.rateLimits.consume(unique('ip'), 3, 60_000)).allowed, true);
      });

      test('concurrent requests are counted exactly: no more than the limit get through', async () => {
        const key = unique('burst');
        const results = await Promise.all(Array.from({ length: 50 }, () => stores.rateLimits.consume(key, 10, 60_000)));
        assert.equal(results.filter((r) => r.allowed).length, 10);
      });

      test('when the window ends, requests are allowed again', async () => {
        const key = unique('short');
        await stores.rateLimits.consume(key, 1, 300);
        assert.equal((await stores.rateLimits.consume(key, 1, 300)).allowed, false);
        await sleep(400);
        assert.equal((await stores.rateLimits.consume(key, 1, 300)).allowed, true);
      });
    });

    describe('reply claims', () => {
      test('one claim per thread: a second is refused until the first is released, then granted with a larger token', async () => {
        const thread = unique('thr');
        const first = await stores.replyLocks.acquire(thread);
        assert.ok(first);
        assert.equal(await stores.replyLocks.acquire(thread), undefined);
        assert.ok(await stores.replyLocks.acquire(unique('thr')), 'other threads are free');
        await first.release();
        const second = await stores.replyLocks.acquire(thread);
        assert.ok(second && second.token > first.token, 'fencing tokens grow');
        await second.release();
      });

      test('a stale holder releasing again does not free the thread for a third reply', async () => {
        const thread = unique('thr');
        const stale = (await stores.replyLocks.acquire(thread))!;
        await stale.release();
        const current = (await stores.replyLocks.acquire(thread))!;
        await stale.release();
        assert.equal(await stores.replyLocks.acquire(thread), undefined);
        await current.release();
      });

      test('a stop request aborts the holder, and does not carry over to the next claim', async () => {
        const thread = unique('thr');
        assert.equal(await stores.replyLocks.requestStop(thread), false, 'nothing to stop');
        const claim = (await stores.replyLocks.acquire(thread))!;
        assert.equal(claim.stopped.aborted, false);
        assert.equal(await stores.replyLocks.requestStop(thread), true);
        await waitUntil(() => claim.stopped.aborted);
        await claim.release();
        const next = (await stores.replyLocks.acquire(thread))!;
        await sleep(REPLY_LOCK_TTL_MS);
        assert.equal(next.stopped.aborted, false);
        await next.release();
      });

      test('a claim that is renewed by its running holder outlives its expiry', async () => {
        const thread = unique('thr');
        const claim = (await stores.replyLocks.acquire(thread))!;
        await sleep(REPLY_LOCK_TTL_MS * 2.5);
        assert.equal(await stores.replyLocks.acquire(thread), undefined);
        assert.equal(claim.stopped.aborted, false);
        await claim.release();
      });
    });

    if (impl.shared) {
      describe('shared between instances', () => {
        let other: Stores;
        before(async () => {
          other = await impl.open({ replyLockTtlMs: REPLY_LOCK_TTL_MS });
        });
        after(() => other.close());

        test('a binding put by one instance is read and deleted by another', async () => {
          const hash = unique('h');
          await stores.secrets.put(hash, { userId: 'u', sessionId: 's', expiresAt: Math.floor(Date.now() / 1000) + 60 });
          assert.equal((await other.secrets.get(hash))?.userId, 'u');
          await other.secrets.delete(hash);
          assert.equal(await stores.secrets.get(hash), undefined);
        });

        test('a limit counts requests on both instances together', async () => {
          const key = unique('ip');
          const results = [];
          for (let i = 0; i < 6; i++) results.push(await (i % 2 ? other : stores).rateLimits.consume(key, 4, 60_000));
          assert.deepEqual(results.map((r) => r.allowed), [true, true, true, true, false, false]);
        });

        test('a thread claimed on one instance is busy on the other, and a stop sent to the other aborts it', async () => {
          const thread = unique('thr');
          const claim = (await stores.replyLocks.acquire(thread))!;
          assert.equal(await other.replyLocks.acquire(thread), undefined);
          assert.equal(await other.replyLocks.requestStop(thread), true);
          await waitUntil(() => claim.stopped.aborted);
          await claim.release();
          const taken = await other.replyLocks.acquire(thread);
          assert.ok(taken, 'released on one, free on the other');
          await taken.release();
        });

        test('a claim whose instance died expires, and the thread can be claimed elsewhere', async () => {
          const dying = await impl.open({ replyLockTtlMs: REPLY_LOCK_TTL_MS });
          const thread = unique('thr');
          assert.ok(await dying.replyLocks.acquire(thread));
          await dying.close(); // its heartbeats stop without releasing, as when the process is killed
          assert.equal(await other.replyLocks.acquire(thread), undefined, 'held until it expires');
          let claim;
          for (let i = 0; i < 50 && !claim; i++) {
            await sleep(100);
            claim = await other.replyLocks.acquire(thread);
          }
          assert.ok(claim, 'claimable once expired');
          await claim.release();
        });
      });
    }
  });
}

async function waitUntil(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await sleep(20);
  assert.ok(check(), 'condition not met in time');
}
