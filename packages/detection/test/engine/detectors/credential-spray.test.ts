import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import type { EnrichedEvent } from '../../../src/enriched-event.js';
import { AFTER, ev, MIN, pages, run } from '../helpers/events.js';

const SPRAYER = '198.51.100.77';

const isSpray = (a: { evidence: Record<string, unknown> }) => a.evidence.kind === 'unknown_credential_spray';

function sprayed(keys: number, start = AFTER, gapMs = 10_000): EnrichedEvent[] {
  return Array.from({ length: keys }, (_, i) =>
    ev({
      at: start + i * gapMs,
      cred: `tw_k_guess${i}`,
      place: 'frankfurtVps',
      ip: SPRAYER,
      client: 'pythonRequests',
      path: '/v1/me',
      status: 401,
    }),
  );
}

describe('detector: never-seen credentials refused from one address (key spray in logs)', () => {
  it('reports an address that tried 20 unknown keys, each refused, within the window: once, high', () => {
    const alerts = run(createDetectionEngine(), sprayed(60, AFTER, 5_000));
    const sprays = alerts.filter(isSpray);
    assert.equal(sprays.length, 1, 'once per window');
    assert.equal(sprays[0]!.rule, 'token_lifecycle');
    assert.equal(sprays[0]!.credential, 'tw_k_guess19', 'on the credential that reached the count');
    assert.equal(sprays[0]!.evidence.refused_unknown_credentials, 20);
    assert.equal(sprays[0]!.evidence.source_ip, SPRAYER);
    assert.ok(pages(sprays).length === 1, sprays[0]!.severity);
  });

  it('hard negative: one key retried over and over is a broken client, not a spray', () => {
    const retries = Array.from({ length: 40 }, (_, i) =>
      ev({
        at: AFTER + i * 10_000,
        cred: 'tw_k_stale',
        place: 'frankfurtVps',
        ip: SPRAYER,
        client: 'pythonRequests',
        path: '/v1/me',
        status: 401,
      }),
    );
    const alerts = run(createDetectionEngine(), retries);
    assert.deepEqual(alerts.filter(isSpray), []);
  });

  it('hard negative: a load balancer in front of many clients, some presenting expired tokens at log start', () => {
    const lb = '10.20.0.5';
    const events: EnrichedEvent[] = [];
    for (let i = 0; i < 300; i++) {
      // Honest traffic through the balancer, with a few dozen stale tokens among it.
      events.push(
        ev({
          at: AFTER + i * 2_000,
          cred: `tw_k_client${i % 40}`,
          place: 'londonOffice',
          ip: lb,
          client: 'chromeMac',
          path: '/v1/invoices',
        }),
      );
      if (i % 10 === 0)
        events.push(
          ev({
            at: AFTER + i * 2_000 + 500,
            cred: `tw_at_stale${i}`,
            place: 'londonOffice',
            ip: lb,
            client: 'chromeMac',
            path: '/v1/me',
            status: 401,
          }),
        );
    }
    const alerts = run(createDetectionEngine(), events);
    assert.deepEqual(alerts.filter(isSpray), []);
  });

  it('a spray spread wider than the window is not one', () => {
    const alerts = run(createDetectionEngine(), sprayed(30, AFTER, MIN));
    assert.deepEqual(alerts.filter(isSpray), []);
  });
});
