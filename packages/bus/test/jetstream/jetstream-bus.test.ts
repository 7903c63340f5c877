import { JetStreamBus } from '../../src/index.js';
import { CONTRACT_DELIVERY, eventBusContract } from '../contract/event-bus-contract.js';
import { deleteStreams, NATS_URL, SKIP_NATS, uniquePrefix } from './nats-harness.js';

const prefixes = new Set<string>();

if (SKIP_NATS) {
  console.log('# JetStream contract skipped: TOKENWARDEN_SKIP_NATS=1');
} else {
  eventBusContract('NATS JetStream', {
    open: async () => {
      const streamPrefix = uniquePrefix('contract');
      prefixes.add(streamPrefix);
      return JetStreamBus.connect({ url: NATS_URL, streamPrefix, ...CONTRACT_DELIVERY, ackWaitMs: 2000 });
    },
    cleanup: () => deleteStreams(prefixes),
  });
}
