import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import { createUserAgentParser } from '../../../src/enrich/user-agent.js';
import type { EnrichedEvent } from '../../../src/enriched-event.js';
import { AFTER, byRule, DAY, ev, HOUR, MIN, run, T0, workdays } from '../helpers/events.js';

// The user agents as the enricher reads them: a tool made for stolen cloud keys, a pentest desktop, a web scanner.
const parser = createUserAgentParser();
const parse = (ua: string) => parser.parse(ua);
const STRATUS = 'aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/sts#1.30.3 stratus-red-team_4b1f2c3e';
const PACU = 'aws-cli/1.18 Python/3.8 Linux/5.4 botocore/1.17 Pacu';
const KALI = 'aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0-kali3-amd64 exe/x86_64.kali.2024';
const NUCLEI = 'nuclei - Open-source project (github.com/projectdiscovery/nuclei)';

function driven(e: EnrichedEvent, ua: string): EnrichedEvent {
  return { ...e, user_agent: ua, client: parse(ua) };
}

function firstCall(ua: string, place: 'frankfurtVps' | 'londonHome' = 'frankfurtVps') {
  const e = ev({ at: AFTER, cred: 'AKIACOLD', principal: 'build', place, op: 'sts:GetCallerIdentity' });
  return byRule(run(createDetectionEngine(), [driven(e, ua)]), 'new_client');
}

describe('detector: tools made for stolen cloud keys', () => {
  it('the enricher tells them from a pentest desktop and a web scanner', () => {
    assert.equal(parse(STRATUS)?.cloudKeyTool, true);
    assert.equal(parse(PACU)?.cloudKeyTool, true);
    assert.equal(parse(KALI)?.cloudKeyTool, undefined);
    assert.equal(parse(NUCLEI)?.cloudKeyTool, undefined);
  });

  it('a key with no history driven by Stratus Red Team or Pacu pages at its first call', () => {
    for (const ua of [STRATUS, PACU]) {
      const [a] = firstCall(ua);
      assert.equal(a?.severity, 'high', ua);
      assert.equal(a?.stage, 'capability_probe');
    }
  });

  it('hard negatives: a key with no history on a Kali desktop or behind a web scanner stays at most medium', () => {
    for (const ua of [KALI, NUCLEI]) {
      for (const a of firstCall(ua, 'londonHome')) assert.notEqual(a.severity, 'high', ua);
      for (const a of firstCall(ua, 'londonHome')) assert.notEqual(a.severity, 'critical', ua);
    }
  });

  it('it stays novelty at heart: never critical on its own, however many calls follow', () => {
    // Stratus Red Team's ec2-enumerate-from-instance, as its detonation calls it.
    const ops = [
      'sts:GetCallerIdentity',
      'ec2:DescribeAccountAttributes',
      'ec2:DescribeInstances',
      'ec2:DescribeVpcs',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeSnapshots',
      'ec2:DescribeVolumes',
      'ec2:DescribeSubnets',
      'ec2:DescribeImages',
      'ec2:DescribeRegions',
      'iam:ListRoles',
      'iam:ListUsers',
      's3:ListBuckets',
      'ssm:DescribeInstanceInformation',
      'lambda:ListFunctions20150331',
      'rds:DescribeDBInstances',
    ];
    const calls = ops.map((op, i) =>
      driven(ev({ at: AFTER + i * 1_000, cred: 'AKIACOLD', principal: 'build', place: 'frankfurtVps', op }), STRATUS),
    );
    const alerts = byRule(run(createDetectionEngine(), calls), 'new_client');
    assert.ok(alerts.length > 0);
    assert.ok(
      alerts.every((a) => a.severity !== 'critical'),
      alerts.map((a) => a.severity).join(','),
    );
  });

  it("hard negative: a red team's key that always runs Stratus Red Team", () => {
    const engine = createDetectionEngine();
    const history = [...workdays({ cred: 'AKIARED', principal: 'red', days: 20, perDay: 10, places: ['londonOffice'], client: 'awsCli' })];
    run(
      engine,
      history.map((e) => driven(e, STRATUS)),
    );
    const e = ev({ at: T0 + 22 * DAY + 10 * HOUR, cred: 'AKIARED', principal: 'red', place: 'londonOffice', op: 'sts:GetCallerIdentity' });
    const later = ev({
      at: T0 + 22 * DAY + 10 * HOUR + MIN,
      cred: 'AKIARED',
      principal: 'red',
      place: 'londonOffice',
      op: 's3:ListBuckets',
    });
    assert.equal(byRule(run(engine, [driven(e, STRATUS), driven(later, STRATUS)]), 'new_client').length, 0);
  });
});
