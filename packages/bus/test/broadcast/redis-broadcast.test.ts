import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { isErrorCode } from '@tokenwarden/core';
import { Redis } from 'ioredis';
import { type Broadcast, RedisBroadcast } from '../../src/index.js';
import { broadcastContract } from './broadcast-contract.js';

const REDIS_URL = process.env.TOKENWARDEN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

if (process.env.TOKENWARDEN_SKIP_REDIS === '1') {
  console.log('# Redis broadcast contract skipped: TOKENWARDEN_SKIP_REDIS=1');
} else {
  const prefix = `twtest:bc:${randomBytes(4).toString('hex')}:`;
  broadcastContract('Redis', {
    open: () => RedisBroadcast.connect({ url: REDIS_URL, prefix }),
    // Kill only this instance's listening connection (found by its unique name), never anyone else's.
    forceReconnect: async (bc: Broadcast) => {
      const name = (bc as RedisBroadcast).listenerName;
      const admin = new Redis(REDIS_URL);
      try {
        const list = (await admin.client('LIST')) as string;
        const line = list.split('\n').find((l) => l.includes(` name=${name} `));
        const id = line ? /\bid=(\d+)/.exec(line)?.[1] : undefined;
        assert.ok(id, `listener connection ${name} not found`);
        await admin.client('KILL', 'ID', id);
      } finally {
        admin.disconnect();
      }
    },
  });

  test('an unreachable Redis gives TW_UNAVAILABLE naming host:port, within seconds', async () => {
    const started = Date.now();
    const err = await RedisBroadcast.connect({ url: 'redis://127.0.0.1:1' }).catch((e: unknown) => e);
    assert.ok(Date.now() - started < 5000);
    assert.ok(isErrorCode(err, 'TW_UNAVAILABLE'));
    assert.match(err.message, /Redis at 127\.0\.0\.1:1 is unreachable/);
    assert.match(err.hint ?? '', /redis-server/);
  });
}
