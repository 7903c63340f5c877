import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { TOPICS } from '@tokenwarden/core';
import { streamName } from '../../src/index.js';

/** The server every NATS test uses (SERVICES.md). */
export const NATS_URL = process.env.TOKENWARDEN_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/** True when NATS tests were explicitly switched off; otherwise a down server fails them loudly. */
export const SKIP_NATS = process.env.TOKENWARDEN_SKIP_NATS === '1';

/** A stream prefix no other run uses. */
export function uniquePrefix(label: string): string {
  return `TWTEST_${label}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Deletes every stream of the given prefixes (test cleanup). */
export async function deleteStreams(prefixes: Iterable<string>): Promise<void> {
  const list = [...prefixes];
  if (list.length === 0) return;
  const nc = await connect({ servers: NATS_URL, timeout: 3000 });
  try {
    const jsm = await jetstreamManager(nc);
    for (const prefix of list) {
      for (const topic of TOPICS) await jsm.streams.delete(streamName(prefix, topic)).catch(() => false);
    }
  } finally {
    await nc.close();
  }
}
