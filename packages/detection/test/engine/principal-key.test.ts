import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../src/engine/index.js';
import { principalKey } from '../../src/engine/principal-key.js';
import type { EnrichedEvent } from '../../src/enriched-event.js';
import { byRule, DAY, ev, HOUR, MIN, pages, run, T0 } from './helpers/events.js';

const ROLE = 'arn:aws:sts::111122223333:assumed-role/terraform-atlantis';

describe('principal key: generated role-session names are one principal', () => {
  it('folds session names a tool makes per run, keeps people, instances and everything else', () => {
    for (const session of ['atlantis-2c34125e', 'botocore-session-1699999999', '1700000000000', 'AWSCodeBuild-4f1c2a9e7b']) {
      assert.equal(principalKey(`${ROLE}/${session}`), `${ROLE}/*`, session);
    }
    for (const name of [
      `${ROLE}/alice@example.com`,
      `${ROLE}/i-0abc123def4567890`,
      `${ROLE}/GitHubActions`,
      `${ROLE}/deploy-prod`,
      'arn:aws:iam::111122223333:user/alice',
      'alice@example.com',
      ROLE,
    ]) {
      assert.equal(principalKey(name), name, name);
    }
    assert.equal(principalKey(undefined), undefined);
  });

  it('hard negative: Terraform under Atlantis, new keys and a new session name every run, granting what it always grants', () => {
    // Each run is a new credential: kept apart by session name, every run was a stranger whose routine grant was
    // "never made before" (22 pages in a month of one blind test).
    const runs: EnrichedEvent[] = [];
    for (let day = 0; day < 21; day++) {
      const cred = `ASIARUN${String(day).padStart(4, '0')}`;
      const principal = `${ROLE}/atlantis-${(0x2c34125e + day * 7919).toString(16)}`;
      const at = T0 + day * DAY + 15 * HOUR;
      const step = (i: number, op: string) => ev({ at: at + i * MIN, cred, principal, place: 'awsVirginia', client: 'terraform', op });
      runs.push(
        step(0, 'sts:GetCallerIdentity'),
        step(1, 'iam:GetRole'),
        step(2, 'ec2:DescribeInstances'),
        step(3, day % 2 === 0 ? 'iam:PutRolePolicy' : 'iam:AttachRolePolicy'),
      );
    }
    const alerts = run(createDetectionEngine(), runs);
    const lastWeek = alerts.filter((a) => Date.parse(a.time) >= T0 + 14 * DAY);
    assert.deepEqual(
      pages(lastWeek).map((a) => `${a.time} ${a.rule} ${a.summary}`),
      [],
    );
    assert.equal(byRule(lastWeek, 'privileged_change').length, 0, 'the role grants as it always did');
    assert.ok(
      alerts.every((a) => a.principal?.startsWith(`${ROLE}/atlantis-`)),
      'alerts name the session as logged',
    );
  });
});
