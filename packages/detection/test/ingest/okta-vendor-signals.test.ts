import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOktaRecord } from '../../src/ingest/parsers/okta.js';
import { isOktaInternalClient, oktaVendorSignals } from '../../src/ingest/parsers/okta-vendor-signals.js';

describe('Okta vendor signals', () => {
  it('reads the risk as Okta logs it: map text, JSON text or an object, in any case', () => {
    assert.deepEqual(oktaVendorSignals('user.session.start', { risk: '{reasons=Anomalous Device, Anomalous Location, level=HIGH}' }), {
      vendor_risk: 'high',
      vendor_risk_reasons: 'Anomalous Device, Anomalous Location',
    });
    assert.deepEqual(oktaVendorSignals('user.session.start', { risk: '{level=MEDIUM, reasons=New Geo-Location}' }), {
      vendor_risk: 'medium',
      vendor_risk_reasons: 'New Geo-Location',
    });
    assert.deepEqual(oktaVendorSignals('user.session.start', { risk: '{"level":"low","reasons":"Velocity"}' }), {
      vendor_risk: 'low',
      vendor_risk_reasons: 'Velocity',
    });
    assert.deepEqual(oktaVendorSignals('user.session.start', { risk: { level: 'HIGH' } }), { vendor_risk: 'high' });
  });

  it('keeps only the positive behaviours and the ThreatInsight flag when it is set', () => {
    const s = oktaVendorSignals('user.authentication.sso', {
      threatSuspected: 'true',
      behaviors: '{New Geo-Location=NEGATIVE, New Device=POSITIVE, New IP=POSITIVE, Velocity=NEGATIVE}',
    });
    assert.deepEqual(s, { vendor_threat: true, vendor_behaviors: 'New Device, New IP' });
    assert.deepEqual(oktaVendorSignals('user.authentication.sso', { threatSuspected: 'false', behaviors: '{New IP=NEGATIVE}' }), {});
    assert.deepEqual(oktaVendorSignals('user.authentication.sso', { threatSuspected: true }), { vendor_threat: true });
  });

  it("names Okta's own session and user detections by their event type", () => {
    assert.equal(oktaVendorSignals('security.session.detect_client_roaming', undefined).vendor_signal, 'session_roaming');
    assert.equal(oktaVendorSignals('user.session.context.change', undefined).vendor_signal, 'session_context_change');
    assert.equal(oktaVendorSignals('policy.auth_reevaluate.fail', undefined).vendor_signal, 'reevaluation_failed');
    assert.equal(oktaVendorSignals('user.risk.detect', undefined).vendor_signal, 'user_risk');
    assert.equal(oktaVendorSignals('user.session.start', undefined).vendor_signal, undefined);
  });

  it('ignores hostile or unknown values instead of throwing', () => {
    for (const risk of ['{"level":', '{level=EXTREME}', 'x'.repeat(100_000), 42, null, ['HIGH'], '{"level":{"a":1}}', 'level=']) {
      assert.doesNotThrow(() => oktaVendorSignals('user.session.start', { risk, behaviors: risk }));
      const s = oktaVendorSignals('user.session.start', { risk, behaviors: risk });
      assert.equal(s.vendor_risk, undefined, String(risk).slice(0, 40));
    }
    assert.deepEqual(oktaVendorSignals('toString', { threatSuspected: 'yes' }), {});
    assert.deepEqual(oktaVendorSignals('constructor', { risk: '{level=constructor, reasons=__proto__}' }), {
      vendor_risk_reasons: '__proto__',
    });
  });

  it("tells Okta's own integration service from a person's client", () => {
    assert.equal(isOktaInternalClient({ id: 'okta.b58d5b75-07d4-5f25-bf59-368a1261a405' }), true);
    assert.equal(isOktaInternalClient({ id: null, userAgent: { rawUserAgent: 'Okta-Integrations' } }), true);
    assert.equal(isOktaInternalClient({ id: '0oa1b2c3d4', userAgent: { rawUserAgent: 'Okta Verify/9.20.0 (iPhone; iOS 17.5)' } }), false);
    assert.equal(isOktaInternalClient({ userAgent: { rawUserAgent: 'Mozilla/5.0 (Okta-Integrations)' } }), false);
    assert.equal(isOktaInternalClient(undefined), false);
  });

  it("gives an Okta-internal event no address, client or device of the session's holder, and says why", () => {
    const outcome = parseOktaRecord(
      {
        uuid: 'e1',
        published: '2026-10-01T10:00:00Z',
        eventType: 'application.provision.user.push_profile',
        actor: { id: '00ubob', alternateId: 'bob@example.com', type: 'User' },
        authenticationContext: { externalSessionId: '102abc' },
        client: {
          id: 'okta.b58d5b75-07d4-5f25-bf59-368a1261a405',
          ipAddress: '44.238.82.114',
          userAgent: { rawUserAgent: 'Okta-Integrations' },
          geographicalContext: { country: 'United States', city: 'Boardman' },
        },
        securityContext: {},
        debugContext: { debugData: { threatSuspected: 'false' } },
        outcome: { result: 'SUCCESS' },
      },
      { source: 'okta.json', line: 1 },
    );
    assert.equal(outcome.kind, 'event');
    if (outcome.kind !== 'event') return;
    const ev = outcome.event;
    assert.equal(ev.source_ip, undefined);
    assert.equal(ev.user_agent, undefined);
    assert.equal(ev.device_id, undefined);
    assert.equal(ev.network_hint, undefined);
    assert.equal(ev.attributes?.okta_internal, true);
    assert.equal(ev.attributes?.okta_internal_ip, '44.238.82.114');
    assert.equal(ev.credential_id, '102abc');
  });
});
