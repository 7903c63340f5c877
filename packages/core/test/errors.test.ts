import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, isErrorCode, MalformedInputError, TokenWardenError, UnavailableError, ulid, ulidTime } from '@tokenwarden/core';

describe('errors', () => {
  it('carry a typed code, a message and a hint', () => {
    const e = new ConfigError('store.driver', 'mysql', 'one of "sqlite"|"postgres"');
    assert.ok(e instanceof TokenWardenError);
    assert.equal(e.code, 'TW_CONFIG_INVALID');
    assert.match(e.message, /store\.driver="mysql".*sqlite/);
    assert.ok(e.hint);
    assert.ok(isErrorCode(e, 'TW_CONFIG_INVALID'));
    assert.deepEqual(Object.keys(e.toJSON()).sort(), ['code', 'data', 'hint', 'message']);
  });

  it('name the location of malformed input', () => {
    const e = new MalformedInputError({ source: 'trail.json', line: 12 }, 'not JSON');
    assert.equal(e.message, 'trail.json:12: not JSON');
    assert.equal(e.location.line, 12);
  });

  it('name the unreachable service and address', () => {
    const e = new UnavailableError('NATS', '127.0.0.1:4222', 'start nats-server');
    assert.match(e.message, /NATS at 127\.0\.0\.1:4222/);
    assert.equal(e.hint, 'start nats-server');
  });
});

describe('ulid', () => {
  it('is sortable, monotonic within a millisecond, and encodes its time', () => {
    const t = Date.UTC(2026, 10, 29);
    const ids = Array.from({ length: 1000 }, () => ulid(t));
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ulidTime(ids[0] as string), t);
    assert.match(ids[0] as string, /^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});
