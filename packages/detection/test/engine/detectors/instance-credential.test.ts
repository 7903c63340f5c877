import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import type { EnrichedEvent } from '../../../src/enriched-event.js';
import { AFTER, DAY, type EventSpec, ev, HOUR, type PLACES, run, T0, workdays } from '../helpers/events.js';

const INSTANCE_ROLE = 'arn:aws:sts::418295730164:assumed-role/acme-web-app/i-0a7c3e91f2b4d5e68';

function calls(ops: readonly string[], spec: Omit<EventSpec, 'at' | 'op'>, start = AFTER): EnrichedEvent[] {
  return ops.map((op, i) => ev({ ...spec, at: start + i * 10_000, op }));
}

function outside(alerts: ReturnType<typeof run>) {
  return alerts.filter((a) => a.evidence.kind === 'instance_credential_outside_aws');
}

const RECON = ['sts:GetCallerIdentity', 'ec2:DescribeInstances', 's3:ListBuckets'];
const at = (place: keyof typeof PLACES, cred = 'ASIASTOLEN', principal = INSTANCE_ROLE) => ({
  cred,
  principal,
  place,
  client: 'awsCli' as const,
});

describe('detector: an instance’s role keys used from outside AWS', () => {
  it('pages high on the first call from a VPS, with nothing learned about the role', () => {
    const found = outside(run(createDetectionEngine(), calls(RECON, at('frankfurtVps'))));
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'high');
    assert.equal(found[0]!.time, new Date(AFTER).toISOString());
    assert.equal(found[0]!.evidence.session, 'i-0a7c3e91f2b4d5e68');
    assert.equal(found[0]!.stage, 'capability_probe');
  });

  it('pages the stolen session of an instance that worked inside AWS for weeks', () => {
    const engine = createDetectionEngine();
    const history: EnrichedEvent[] = [];
    for (let d = 0; d < 20; d++) {
      for (let h = 0; h < 24; h += 2)
        history.push(...calls(['sqs:ReceiveMessage', 's3:PutObject'], at('awsVirginia', `ASIA${d}x${h}`), T0 + d * DAY + h * HOUR));
    }
    assert.equal(outside(run(engine, history)).length, 0);
    assert.equal(outside(run(engine, calls(RECON, at('singaporeVps'))))[0]?.severity, 'high');
  });

  it('hard negatives: the instance inside AWS; a role session not named for an instance; an instance behind the company’s own proxy', () => {
    assert.equal(outside(run(createDetectionEngine(), calls(RECON, at('awsOregon')))).length, 0);
    const ci = 'arn:aws:sts::418295730164:assumed-role/ci-deploy/GitHubActions';
    assert.equal(outside(run(createDetectionEngine(), calls(RECON, at('frankfurtVps', 'ASIACI', ci)))).length, 0);
    // Egress through the company's own proxy, which the staff use too: the organisation's network, not a thief's.
    const engine = createDetectionEngine();
    for (const person of ['ann', 'ben', 'cat', 'dan', 'eve', 'fay']) {
      run(
        engine,
        workdays({ cred: `AKIA${person}`, principal: person, days: 10, perDay: 5, places: ['londonOffice'], client: 'awsCliMac' }),
      );
    }
    assert.equal(outside(run(engine, calls(RECON, at('londonOffice', 'ASIAPROXIED', INSTANCE_ROLE), T0 + 12 * DAY))).length, 0);
  });
});
