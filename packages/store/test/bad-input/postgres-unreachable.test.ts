import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isErrorCode, UnavailableError } from '@tokenwarden/core';
import { openDatabase, storeMigrations } from '@tokenwarden/store';

describe('PostgreSQL store under bad conditions', () => {
  it('names host:port and what to do when PostgreSQL is unreachable', async () => {
    const started = Date.now();
    await assert.rejects(
      openDatabase({ store: { driver: 'postgres', url: 'postgres://127.0.0.1:1/tokenwarden' }, dataDir: '.', migrations: storeMigrations }),
      (e: unknown) => {
        assert.ok(e instanceof UnavailableError, String(e));
        assert.ok(isErrorCode(e, 'TW_UNAVAILABLE'));
        assert.match(e.message, /PostgreSQL at 127\.0\.0\.1:1\b/);
        assert.match(e.hint ?? '', /start PostgreSQL|store\.url/);
        return true;
      },
    );
    assert.ok(Date.now() - started < 6000);
  });
});
