import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VerifiedTokens } from './verified-tokens.js';

const entry = { userId: 'user_1', fromSeconds: 100, untilSeconds: 200, keysVersion: 1 };

describe('VerifiedTokens', () => {
  test('answers for a remembered token only within its window of seconds, edges included', () => {
    const tokens = new VerifiedTokens(10);
    tokens.add('t', entry);
    assert.equal(tokens.userId('t', 1, 99), undefined, 'before nbf: the full check must say why');
    assert.equal(tokens.userId('t', 1, 100), 'user_1');
    assert.equal(tokens.userId('t', 1, 200), 'user_1');
    assert.equal(tokens.userId('other', 1, 150), undefined);
    assert.equal(tokens.userId('t', 1, 201), undefined, 'expired');
    assert.equal(tokens.size, 0, 'an expired entry is dropped when read');
  });

  test('forgets a token verified with another key set', () => {
    const tokens = new VerifiedTokens(10);
    tokens.add('t', entry);
    assert.equal(tokens.userId('t', 2, 150), undefined);
    assert.equal(tokens.userId('t', 1, 150), undefined, 'dropped, not kept for the older set');
  });

  test('keeps at most maxEntries, dropping the oldest first', () => {
    const tokens = new VerifiedTokens(3);
    for (const t of ['a', 'b', 'c', 'd']) tokens.add(t, { ...entry, userId: t });
    assert.equal(tokens.size, 3);
    assert.equal(tokens.userId('a', 1, 150), undefined);
    assert.deepEqual(['b', 'c', 'd'].map((t) => tokens.userId(t, 1, 150)), ['b', 'c', 'd']);
  });
});
