import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alert } from '@tokenwarden/core';
import { createDetectionEngine } from '../../../src/engine/index.js';
import type { GeoInfo } from '../../../src/enriched-event.js';
import { type CLIENTS, DAY, ev, HOUR, PLACES, pages, run, T0 } from '../helpers/events.js';

// One cloud provider announces its regions from several ASNs under one name (Microsoft: AS8075, AS8069).
const azure = (country: string, city: string, lat: number, lon: number, asn: number): GeoInfo => ({
  country,
  city,
  lat,
  lon,
  asn,
  as_org: 'Microsoft Corporation',
  asn_kind: 'hosting',
});
const RUNNER_REGIONS: GeoInfo[] = [
  azure('US', 'Des Moines', 41.6, -93.6, 8075),
  azure('US', 'San Antonio', 29.4, -98.5, 8075),
  azure('NL', 'Amsterdam', 52.37, 4.89, 8075),
  azure('GB', 'London', 51.5, -0.12, 8069),
  azure('US', 'Boydton', 36.67, -78.39, 8075),
  azure('CH', 'Zurich', 47.37, 8.54, 8069),
  azure('US', 'Cheyenne', 41.14, -104.82, 8075),
];
const TERRAFORM_APPLY = [
  'sts:GetCallerIdentity',
  'iam:GetRole',
  'iam:ListAttachedRolePolicies',
  's3:GetBucketPolicy',
  'ec2:DescribeSecurityGroups',
  'iam:CreateRole',
  'iam:AttachRolePolicy',
  's3:PutBucketPolicy',
  'iam:CreatePolicyVersion',
  'ec2:AuthorizeSecurityGroupIngress',
];

/**
 * Terraform in a hosted CI: every run assumes the deploy role through OIDC and gets a session key of its own (a new
 * credential each run, the same role session as principal), on whichever runner region is free. `last` replaces
 * the last run's network.
 */
function deployRuns(last?: GeoInfo): Alert[] {
  const engine = createDetectionEngine();
  const runs = RUNNER_REGIONS.map((region, i) => (i === RUNNER_REGIONS.length - 1 && last ? last : region));
  return run(
    engine,
    runs.flatMap((region, r) =>
      TERRAFORM_APPLY.map((op, i) => ({
        ...ev({
          at: T0 + r * 2 * DAY + 14 * HOUR + i * 2000,
          cred: `ASIACIRUN${r}`,
          principal: 'arn:aws:sts::111122223333:assumed-role/github-deploy/GitHubActions',
          client: 'terraform' satisfies keyof typeof CLIENTS,
          op,
        }),
        geo: region,
        source_ip: `20.${40 + r}.7.${10 + i}`,
      })),
    ),
  );
}

describe('a CI runner in another region of its cloud is not a new place', () => {
  it('hard negative: Terraform runs with a fresh session key each, across Azure regions and ASNs, do not page', () => {
    assert.deepEqual(
      pages(deployRuns()).map((a) => `${a.credential} ${a.rule} ${a.severity} ${a.summary}`),
      [],
    );
  });

  it('the same run from another provider’s server still pages', () => {
    assert.ok(pages(deployRuns(PLACES.frankfurtVps)).length > 0);
  });
});
