// When the DPoP replay store cannot answer (a full disk, a lost database), no proof may be
// accepted: the gateway answers 503 and stays up, and detection is not told the client failed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGatewayConfig } from '../../src/gateway-config.js';
import { GatewayGuard } from '../../src/gateway-guard.js';
import type { JtiReplayStore } from '../../src/jti-replay-store.js';
import { dpopKey, FakeCredentialSource } from '../support/fake-credential-source.js';

const failing: Record<string, JtiReplayStore> = {
  'throws (the append-only logs)': {
    claim() {
      throw new Error('EIO');
    },
  },
  'rejects (PostgreSQL)': {
    claim() {
      return Promise.reject(new Error('connection lost'));
    },
  },
};

describe('DPoP replay store failure', () => {
  for (const [name, replayStore] of Object.entries(failing)) {
    it(`a store that ${name} fails closed with 503`, async () => {
      const source = await FakeCredentialSource.create();
      const lifecycle: string[] = [];
      const guard = new GatewayGuard({
        source,
        config: parseGatewayConfig({ rate_limit: false }),
        replayStore,
        publishLifecycle: (e) => {
          lifecycle.push(e.type);
        },
      });
      await guard.start();
      try {
        const key = await dpopKey();
        const { token } = await source.issueJwt({ jkt: key.jkt });
        const headers = { host: 'api.test', authorization: `DPoP ${token}`, dpop: await key.proof('GET', 'http://api.test/x', token) };
        const decision = await guard.check({ method: 'GET', target: '/x', peer: '127.0.0.1', encrypted: false, headers });
        assert.ok(!decision.allow);
        assert.equal(decision.refusal.status, 503);
        assert.equal(decision.refusal.body.error, 'temporarily_unavailable');
        assert.ok(!lifecycle.includes('dpop.failure'));
      } finally {
        await guard.close();
      }
    });
  }
});
