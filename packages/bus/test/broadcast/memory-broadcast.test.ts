import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryBroadcast, MemoryBroadcastHub } from '../../src/index.js';
import { waitFor } from '../contract/events.js';
import { broadcastContract } from './broadcast-contract.js';

const hub = new MemoryBroadcastHub();
broadcastContract('in-memory', { open: async () => new MemoryBroadcast({ hub }) });

test('in-memory broadcasts on different hubs do not hear each other', async () => {
  const a = new MemoryBroadcast();
  const b = new MemoryBroadcast();
  const got: unknown[] = [];
  const own: unknown[] = [];
  await b.subscribe('iso', (p) => {
    got.push(p);
  });
  await a.subscribe('iso', (p) => {
    own.push(p);
  });
  await a.publish('iso', { n: 1 });
  await waitFor(() => own.length === 1, 'own delivery');
  assert.deepEqual(got, []);
  await Promise.all([a.close(), b.close()]);
});
