import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32, encodeBase62, generateTwToken, parseTwToken, TW_TOKEN_PATTERN, twChecksum } from '@tokenwarden/core';

describe('tw_ token format', () => {
  it('crc32 matches the IEEE check value', () => {
    assert.equal(crc32('123456789'), 0xcbf43926);
  });

  it('base62 pads and rejects overflow', () => {
    assert.equal(encodeBase62(0, 6), '000000');
    assert.equal(encodeBase62(61, 2), '0z');
    assert.equal(encodeBase62(0xffffffff, 6).length, 6);
    assert.throws(() => encodeBase62(62 ** 2, 2), RangeError);
  });

  it('generates tokens that parse, with the pinned layout', () => {
    for (const letter of ['k', 's', 'r', 'c'] as const) {
      const token = generateTwToken(letter);
      assert.match(token, new RegExp(`^tw_${letter}_[0-9A-Za-z]{38}$`));
      const parsed = parseTwToken(token);
      assert.ok(parsed);
      assert.equal(parsed.letter, letter);
      assert.equal(parsed.checksum, twChecksum(parsed.random));
    }
  });

  it('rejects a one-character typo, a bad checksum, and wrong shapes offline', () => {
    const token = generateTwToken('k');
    const last = token.at(-1) === 'a' ? 'b' : 'a';
    assert.equal(parseTwToken(token.slice(0, -1) + last), undefined);
    const mid = token[10] === 'a' ? 'b' : 'a';
    assert.equal(parseTwToken(token.slice(0, 10) + mid + token.slice(11)), undefined);
    assert.equal(parseTwToken(`${token}x`), undefined);
    assert.equal(parseTwToken(token.replace('tw_k_', 'tw_z_')), undefined);
    assert.equal(parseTwToken(''), undefined);
    assert.equal(parseTwToken('tw_k_' + '!'.repeat(38)), undefined);
  });

  it('the text pattern finds tokens inside other text', () => {
    const token = generateTwToken('s');
    const found = [...`export TOKEN="${token}" # prod`.matchAll(TW_TOKEN_PATTERN)].map((m) => m[0]);
    assert.deepEqual(found, [token]);
  });
});
