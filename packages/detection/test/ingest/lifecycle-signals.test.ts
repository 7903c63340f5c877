import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lifecycleFromErrorCode, normaliseLifecycle } from '../../src/ingest/lifecycle-signals.js';

describe('lifecycle signals from error codes', () => {
  it('maps every source’s spelling of a dead or bad credential', () => {
    assert.equal(lifecycleFromErrorCode('InvalidClientTokenId'), 'token.revoked_use');
    assert.equal(lifecycleFromErrorCode('ExpiredToken'), 'token.expired');
    assert.equal(lifecycleFromErrorCode('refresh_token_reuse'), 'refresh_token.reuse_detected');
    assert.equal(normaliseLifecycle('CANARY-USED'), 'canary.used');
    assert.equal(lifecycleFromErrorCode('AccessDenied'), undefined);
  });

  it("finds nothing for codes named like Object.prototype's members (a log's text is not a key of ours)", () => {
    for (const code of ['constructor', 'Constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf']) {
      assert.equal(lifecycleFromErrorCode(code), undefined, code);
      assert.equal(normaliseLifecycle(code), undefined, code);
    }
  });
});
