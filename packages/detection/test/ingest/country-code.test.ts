import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countryCode } from '../../src/ingest/country-code.js';
import { createRecordDecoder } from '../../src/ingest/parse-record.js';

describe('country names as ISO 3166-1 alpha-2 codes', () => {
  it('maps English names, long ISO forms and retired-code names to the current code', () => {
    const cases: [string, string][] = [
      ['United States', 'US'],
      ['United Kingdom', 'GB'],
      ['Germany', 'DE'],
      ['Russia', 'RU'],
      ['Russian Federation', 'RU'],
      ['Korea, Republic of', 'KR'],
      ['Myanmar', 'MM'],
      ['  japan ', 'JP'],
      ['gb', 'GB'],
      ['Atlantis', 'Atlantis'],
    ];
    for (const [name, code] of cases) assert.equal(countryCode(name), code, name);
  });

  it("puts Okta's country name in the hint as the code the IP databases give", () => {
    const decode = createRecordDecoder({ format: 'okta' });
    const record = {
      uuid: 'u1',
      published: '2026-03-01T10:00:00.000Z',
      eventType: 'user.session.start',
      actor: { id: '00u1', type: 'User', alternateId: 'erin@example.com' },
      authenticationContext: { externalSessionId: '102abc' },
      client: { ipAddress: '198.51.100.7', geographicalContext: { country: 'United States', city: 'Ashburn' } },
      outcome: { result: 'SUCCESS' },
    };
    const [d] = decode({ kind: 'line', text: JSON.stringify(record), line: 1 }, 'okta.jsonl');
    assert.ok(d?.outcome.kind === 'event');
    assert.equal(d.outcome.event.network_hint?.country, 'US');
  });
});
