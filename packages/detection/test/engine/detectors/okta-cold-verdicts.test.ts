import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alert } from '@tokenwarden/core';
import { createDetectionEngine } from '../../../src/engine/index.js';
import { AFTER, ev, MIN, type PlaceName, pages, run } from '../helpers/events.js';

// Okta's own verdicts on a session whose log starts with them: the engine has no baseline to weigh them against,
// so Okta's word counts where the network agrees (an anonymising proxy, Tor, a rented server) or is Okta's own
// threat intelligence, and not otherwise.

interface Verdict {
  type: string;
  place?: PlaceName;
  proxy?: boolean;
  vendor?: Record<string, unknown>;
}

function replay(steps: readonly Verdict[]): Alert[] {
  const events = steps.map((s, i) => {
    const e = ev({
      at: AFTER + i * MIN,
      cred: 'idx-stolen',
      principal: 'sam@acme.io',
      place: s.place ?? 'newYork',
      client: 'chromeMac',
      op: `okta:${s.type}`,
      source: 'okta',
    });
    e.credential_kind = 'saas_session';
    e.attributes = { event_type: s.type, ...(s.proxy ? { is_proxy: true } : {}), ...s.vendor };
    return e;
  });
  return run(createDetectionEngine(), events);
}

const roaming = { vendor_signal: 'session_roaming' };
const highRisk = { vendor_risk: 'high', vendor_risk_reasons: 'Anomalous Location' };

describe('Okta verdicts with no baseline', () => {
  it('a session Okta saw roam onto an address it flags as a proxy pages, as its first event', () => {
    const alerts = replay([{ type: 'security.session.detect_client_roaming', proxy: true, vendor: roaming }]);
    assert.equal(pages(alerts)[0]?.rule, 'concurrent_use', JSON.stringify(alerts));
  });

  it('so does one Okta saw roam onto a VPS, or onto a device Okta itself calls new', () => {
    assert.equal(pages(replay([{ type: 'user.session.context.change', place: 'frankfurtVps', vendor: roaming }])).length, 1);
    const newDevice = { ...roaming, vendor_behaviors: 'New Device, New IP' };
    assert.equal(pages(replay([{ type: 'security.session.detect_client_roaming', vendor: newDevice }])).length, 1);
  });

  it('does not page for a session Okta saw roam between people’s networks (a laptop moving from home Wi-Fi to a phone)', () => {
    const alerts = replay([
      { type: 'user.authentication.sso', place: 'londonHome' },
      { type: 'security.session.detect_client_roaming', place: 'londonMobile', vendor: roaming },
    ]);
    assert.deepEqual(pages(alerts), []);
  });

  it('does not page for a session that began on the flagged relay and roams between its exits (iCloud Private Relay)', () => {
    const alerts = replay([
      { type: 'user.session.start', proxy: true },
      { type: 'user.authentication.sso', proxy: true },
      { type: 'security.session.detect_client_roaming', proxy: true, vendor: roaming },
    ]);
    assert.deepEqual(pages(alerts), []);
  });

  it('a sign-in Okta rates high risk from a VPS pages; from a hotel or home line it does not', () => {
    assert.equal(pages(replay([{ type: 'policy.evaluate_sign_on', place: 'frankfurtVps', vendor: highRisk }])).length, 1);
    assert.deepEqual(pages(replay([{ type: 'policy.evaluate_sign_on', place: 'paris', vendor: highRisk }])), []);
  });

  it('a sign-in that succeeded from an address ThreatInsight flags pages even as the first event', () => {
    const alerts = replay([{ type: 'policy.evaluate_sign_on', vendor: { vendor_threat: true } }]);
    assert.equal(pages(alerts)[0]?.rule, 'new_place', JSON.stringify(alerts));
  });

  it('does not page for ThreatInsight’s log-only report of a password spray attempt against the user', () => {
    const spray = { vendor_threat: true, vendor_signal: 'threat_detected' };
    assert.deepEqual(pages(replay([{ type: 'security.threat.detected', proxy: true, vendor: spray }])), []);
  });
});
