import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOktaRecord } from '../../src/ingest/parsers/okta.js';

describe('Okta MFA attempts', () => {
  it('keeps the factor and how the push was answered: a refusal is only in the debug data', () => {
    const outcome = parseOktaRecord(
      {
        uuid: 'e1',
        published: '2026-09-30T03:02:31.877Z',
        eventType: 'user.authentication.auth_via_mfa',
        actor: { id: '00ucarol', alternateId: 'carol@example.com', type: 'User' },
        authenticationContext: { externalSessionId: 'idxAbc' },
        client: { ipAddress: '198.51.100.23', userAgent: { rawUserAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/140.0' } },
        debugContext: { debugData: { factor: 'OKTA_VERIFY_PUSH', pushOnlyResponseType: 'OV_RESPONSE_DENY', threatSuspected: 'false' } },
        outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' },
      },
      { source: 'okta.json', line: 1 },
    );
    assert.equal(outcome.kind, 'event');
    if (outcome.kind !== 'event') return;
    assert.equal(outcome.event.attributes?.mfa_factor, 'OKTA_VERIFY_PUSH');
    assert.equal(outcome.event.attributes?.push_response, 'OV_RESPONSE_DENY');
    assert.equal(outcome.event.error_code, 'INVALID_CREDENTIALS');
  });
});
