import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alert } from '@tokenwarden/core';
import { createDetectionEngine } from '../../../src/engine/index.js';
import { createAsnClassifier } from '../../../src/enrich/asn-kind.js';
import type { GeoInfo } from '../../../src/enriched-event.js';
import { DAY, ev, HOUR, MIN, pages, run, T0, workdays } from '../helpers/events.js';

const kinds = createAsnClassifier();
const home: GeoInfo = {
  country: 'DE',
  city: 'Munich',
  lat: 48.14,
  lon: 11.58,
  asn: 3320,
  as_org: 'Deutsche Telekom AG',
  asn_kind: kinds.classify(3320, 'Deutsche Telekom AG'),
};
// The company laptop's web gateway exits at the vendor's nearest data centre, in another country than the person.
const gatewayOrg = 'Zscaler Switzerland GmbH';
const gateway: GeoInfo = {
  country: 'BE',
  city: 'Brussels',
  lat: 50.85,
  lon: 4.35,
  asn: 62044,
  as_org: gatewayOrg,
  asn_kind: kinds.classify(62044, gatewayOrg),
};
const rentedServer: GeoInfo = {
  country: 'NL',
  city: 'Amsterdam',
  lat: 52.37,
  lon: 4.89,
  asn: 64531,
  as_org: 'Example VPS BV',
  asn_kind: 'hosting',
};

/** Three weeks of daytime CLI work from home, then night-time on-call sessions days apart from `away`. */
function onCallWeek(away: GeoInfo): Alert[] {
  const engine = createDetectionEngine();
  const cred = 'AKIAONCALLBOB';
  const history = [...workdays({ cred, principal: 'bob', days: 21, perDay: 25, places: ['londonHome'], client: 'awsCli' })].map((e, i) => ({
    ...e,
    geo: home,
    source_ip: `79.200.1.${(i % 3) + 1}`,
    operation: ['ec2:DescribeInstances', 'sts:GetCallerIdentity', 's3:ListBuckets'][i % 3],
  }));
  run(engine, history);
  const nights = [T0 + 22 * DAY + 2 * HOUR, T0 + 24 * DAY + 3 * HOUR, T0 + 29 * DAY + 1 * HOUR];
  const sessions = [
    ['sts:GetCallerIdentity', 'ec2:DescribeInstances', 'ec2:DescribeInstances'],
    ['ec2:DescribeInstances', 'ec2:StopInstances', 'ec2:StartInstances'],
    ['sts:GetCallerIdentity', 'ec2:DescribeInstances', 'cloudwatch:GetMetricData'],
  ];
  const events = nights.flatMap((night, n) =>
    sessions[n]!.map((op, i) => ({
      ...ev({ at: night + i * 2 * MIN, cred, principal: 'bob', client: 'awsCli', op }),
      geo: away,
      // Every connection through the gateway may leave from another of its addresses.
      source_ip: `165.225.12.${60 + n * 7 + i}`,
    })),
  );
  return run(engine, events);
}

describe('a company web gateway (security proxy) is not a suspicious place', () => {
  it('Zscaler, Netskope and other secure web gateways are a kind of their own', () => {
    assert.equal(gateway.asn_kind, 'security_proxy');
    assert.equal(kinds.classify(55256, 'Netskope Inc'), 'security_proxy');
  });

  it('hard negative: on-call nights through the company gateway (a new country each time) do not page', () => {
    const alerts = onCallWeek(gateway);
    assert.deepEqual(
      pages(alerts).map((a) => `${a.rule} ${a.severity} ${a.summary}`),
      [],
    );
  });

  it('the same nights from a rented server still page', () => {
    assert.ok(pages(onCallWeek(rentedServer)).length > 0);
  });
});
