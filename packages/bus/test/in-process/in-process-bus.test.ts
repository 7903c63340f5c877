import { InProcessBus } from '../../src/index.js';
import { CONTRACT_DELIVERY, eventBusContract } from '../contract/event-bus-contract.js';

eventBusContract('in-process', {
  open: async () => new InProcessBus({ ...CONTRACT_DELIVERY }),
  cleanup: async () => {},
});
