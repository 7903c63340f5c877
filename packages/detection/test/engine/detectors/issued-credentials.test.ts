import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import type { EnrichedEvent } from '../../../src/enriched-event.js';
import { byRule, DAY, ev, HOUR, MIN, pages, run, T0 } from '../helpers/events.js';

// A stolen key rarely does the damage itself: it mints session keys (sts:AssumeRole) or a new access key, and
// those act. The logs name the new key in the issuing call's response; the chain must follow it.

/** Two weeks of a deploy key inside its VPC. */
function* deployHistory() {
  for (let d = 0; d < 14; d++) {
    for (let h = 9; h < 17; h++) {
      yield ev({
        at: T0 + d * DAY + h * HOUR,
        cred: 'AKIADEPLOY',
        principal: 'deploy',
        ip: '10.0.2.15',
        client: 'awsCli',
        op: 'ecs:UpdateService',
      });
    }
  }
}

function issuing(e: EnrichedEvent, issued: string): EnrichedEvent {
  return { ...e, attributes: { issued_credential_id: issued } };
}

const AT = T0 + 14 * DAY + 2 * HOUR;

function attack(issuerIp: string) {
  const session = (i: number, op: string) =>
    ev({ at: AT + (3 + i) * MIN, cred: 'ASIASESSION', principal: 'assumed-role/Admin', ip: '203.0.113.99', client: 'awsCli', op });
  return [
    ev({ at: AT, cred: 'AKIADEPLOY', principal: 'deploy', ip: issuerIp, client: 'awsCli', op: 'sts:GetCallerIdentity' }),
    issuing(
      ev({ at: AT + MIN, cred: 'AKIADEPLOY', principal: 'deploy', ip: issuerIp, client: 'awsCli', op: 'sts:AssumeRole' }),
      'ASIASESSION',
    ),
    session(0, 'iam:ListUsers'),
    session(1, 'iam:CreateUser'),
    session(2, 'iam:AttachUserPolicy'),
    session(3, 'cloudtrail:StopLogging'),
  ];
}

describe('credentials issued by a suspicious credential', () => {
  it('carry its suspicion and chain stages: the session keys an attacker minted page', () => {
    const engine = createDetectionEngine();
    run(engine, deployHistory());
    const alerts = run(engine, attack('198.51.100.23'));
    const session = alerts.filter((a) => a.credential === 'ASIASESSION');
    assert.ok(pages(session).length > 0, session.map((a) => `${a.rule} ${a.severity} ${a.summary}`).join('\n'));
    const chain = byRule(session, 'attack_chain').at(-1);
    assert.equal(chain?.evidence.issued_by, 'AKIADEPLOY');
    assert.ok(chain && chain.severity === 'critical');
  });

  it('hard negative: a calm credential minting session keys for routine work from its usual place', () => {
    const engine = createDetectionEngine();
    run(engine, deployHistory());
    const routine = [
      issuing(
        ev({ at: AT, cred: 'AKIADEPLOY', principal: 'deploy', ip: '10.0.2.15', client: 'awsCli', op: 'sts:AssumeRole' }),
        'ASIAROUTINE',
      ),
      ...['ecs:DescribeServices', 'ecs:UpdateService', 'ecs:DescribeServices'].map((op, i) =>
        ev({ at: AT + (i + 1) * MIN, cred: 'ASIAROUTINE', principal: 'assumed-role/Deploy', ip: '10.0.2.15', client: 'awsCli', op }),
      ),
    ];
    assert.equal(pages(run(engine, routine)).length, 0);
  });
});
