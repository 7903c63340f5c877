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

describe('detector: never-seen credentials refused across the organisation (a key list sprayed from many addresses)', () => {
  const isWave = (a: { evidence: Record<string, unknown> }) => a.evidence.kind === 'distributed_credential_spray';
  const POOL = ['torExit', 'frankfurtVps', 'singaporeVps', 'vpnTokyo'] as const;

  /** `keys` guessed keys, one call each, `gapMs` apart, from a pool of `addresses` addresses (a few keys per address). */
  function wave(keys: number, addresses: number, start: number, gapMs = 4_000, tag = 'g'): EnrichedEvent[] {
    return Array.from({ length: keys }, (_, i) =>
      ev({
        at: start + i * gapMs,
        cred: `lk_live_${tag}${i}`,
        place: POOL[i % POOL.length] as (typeof POOL)[number],
        ip: `185.220.101.${(i % addresses) + 1}`,
        client: 'pythonRequests',
        path: '/v1/balance',
        status: 401,
      }),
    );
  }

  /** Internet noise: `perWindow` junk credentials refused every 11 minutes, each from its own scanner, until `end`. */
  function noise(perWindow: number, hours: number, end: number): EnrichedEvent[] {
    const out: EnrichedEvent[] = [];
    const windows = hours * 6;
    for (let w = 0; w < windows; w++) {
      for (let j = 0; j < perWindow; j++) {
        out.push(
          ev({
            at: end - (windows - w) * 11 * MIN + j * 1_000,
            cred: `junk_${w}_${j}`,
            place: 'frankfurtVps',
            ip: `198.18.${w % 250}.${j + 1}`,
            client: 'pythonRequests',
            path: '/',
            status: 401,
          }),
        );
      }
    }
    return out;
  }

  it('pages once per window when 50 guessed keys come from 25 addresses, two each, in minutes', () => {
    const engine = createDetectionEngine();
    run(engine, noise(1, 3, AFTER));
    const alerts = run(engine, wave(60, 25, AFTER + 5 * MIN));
    const waves = alerts.filter(isWave);
    assert.equal(waves.length, 1);
    assert.equal(waves[0]!.credential, 'lk_live_g49', 'on the credential that reached the count');
    assert.equal(waves[0]!.evidence.refused_unknown_credentials, 50);
    assert.equal(waves[0]!.evidence.source_addresses, 25);
    assert.equal(pages(waves).length, 1);
    // No one address tried 20: the per-address count alone saw nothing.
    assert.deepEqual(
      alerts.filter((a) => a.evidence.kind === 'unknown_credential_spray'),
      [],
    );
  });

  it('hard negative: an API whose usual noise is 20 junk keys a window needs five times that, not 50', () => {
    const engine = createDetectionEngine();
    run(engine, noise(20, 6, AFTER));
    assert.deepEqual(run(engine, wave(60, 25, AFTER + 5 * MIN)).filter(isWave), []);
    assert.equal(run(engine, wave(130, 40, AFTER + 30 * MIN, 2_000, 'h')).filter(isWave).length, 1);
  });

  it('hard negative: the first hour of a log, when every credential is never-seen', () => {
    assert.deepEqual(run(createDetectionEngine(), wave(60, 25, AFTER)).filter(isWave), []);
  });

  it('hard negative: one or two machines are the per-address count’s to judge', () => {
    const engine = createDetectionEngine();
    run(engine, noise(1, 3, AFTER));
    assert.deepEqual(run(engine, wave(60, 2, AFTER + 5 * MIN)).filter(isWave), []);
  });
});
