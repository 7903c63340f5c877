import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { isErrorCode } from '@tokenwarden/core';
import { type Broadcast, NatsBroadcast } from '../../src/index.js';
import { NATS_URL, SKIP_NATS } from '../jetstream/nats-harness.js';
import { broadcastContract } from './broadcast-contract.js';

if (SKIP_NATS) {
  console.log('# NATS broadcast contract skipped: TOKENWARDEN_SKIP_NATS=1');
} else {
  // Each instance gets its own connection, which the test can force to reconnect.
  const connections = new Map<Broadcast, NatsConnection>();
  const connectionsToClose: NatsConnection[] = [];
  const prefix = `twtest.bc.${randomBytes(4).toString('hex')}`;
  broadcastContract('NATS', {
    open: async () => {
      const nc = await connect({ servers: NATS_URL, timeout: 3000, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
      connectionsToClose.push(nc);
      const bc = await NatsBroadcast.connect({ connection: nc, prefix });
      connections.set(bc, nc);
      return bc;
    },
    forceReconnect: async (bc) => {
      await connections.get(bc)?.reconnect();
    },
    cleanup: async () => {
      await Promise.all(connectionsToClose.map((nc) => nc.close()));
    },
  });

  test('an unreachable NATS gives TW_UNAVAILABLE naming host:port', async () => {
    const err = await NatsBroadcast.connect({ url: 'nats://127.0.0.1:1' }).catch((e: unknown) => e);
    assert.ok(isErrorCode(err, 'TW_UNAVAILABLE'));
    assert.match(err.message, /127\.0\.0\.1:1/);
  });

  test('a broadcast that opened its own connection works and closes it', async () => {
    const bc = await NatsBroadcast.connect({ url: NATS_URL, prefix });
    const got: unknown[] = [];
    await bc.subscribe('own', (p) => {
      got.push(p.n);
    });
    await bc.publish('own', { n: 1 });
    const start = Date.now();
    while (got.length === 0 && Date.now() - start < 2000) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(got, [1]);
    await bc.close();
  });
}
