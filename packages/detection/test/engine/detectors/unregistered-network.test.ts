import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alert } from '@tokenwarden/core';
import { createDetectionEngine } from '../../../src/engine/index.js';
import { INTERNAL_NETWORK_KEY, unregisteredNetwork } from '../../../src/engine/unregistered-network.js';
import { byRule, ESCALATION_OPS, ev, HOUR, MIN, pages, run, T0 } from '../helpers/events.js';

// Lab and synthetic logs use addresses no IP database knows: private space for the victim's own hosts and
// documentation ranges (RFC 5737) for the outside world. A stolen cloud key replayed from such an address
// must still look like a new place.

/** A key used only from its VPC (a private source address in CloudTrail), two days of light work. */
function* insideHistory(cred: string, ip: string, events = 30) {
  const ops = ['ec2:DescribeInstances', 's3:ListBuckets', 'sts:GetCallerIdentity', 'logs:DescribeLogGroups'];
  for (let i = 0; i < events; i++) {
    yield ev({ at: T0 + i * 90 * MIN, cred, principal: 'dev-ops-svc', ip, client: 'awsCli', op: ops[i % ops.length] as string });
  }
}

/** The attacker's run: whoami, then a new key, an admin policy, a backdoor user with a console password. */
function escalation(cred: string, ip: string, at: number) {
  return ESCALATION_OPS.map((op, i) => ev({ at: at + i * 2 * MIN, cred, principal: 'dev-ops-svc', ip, client: 'awsCli', op }));
}

const worst = (alerts: Alert[]) => alerts.reduce((m, a) => Math.max(m, a.score), 0);

describe('unregistered networks', () => {
  it('puts every internal address in one network and a public unknown address in its /24 or /48', () => {
    for (const ip of [
      '10.0.1.50',
      '172.31.255.1',
      '192.168.0.7',
      '100.64.3.2',
      '127.0.0.1',
      '169.254.169.254',
      'fd00::1',
      'fe80::1',
      '::1',
    ]) {
      const net = unregisteredNetwork(ip);
      assert.equal(net?.key, INTERNAL_NETWORK_KEY, ip);
      assert.equal(net?.internal, true, ip);
    }
    assert.equal(unregisteredNetwork('198.51.100.23')?.label, '198.51.100.0/24');
    assert.equal(unregisteredNetwork('::ffff:198.51.100.23')?.label, '198.51.100.0/24');
    assert.equal(unregisteredNetwork('2001:db8:1:2::5')?.label, '2001:db8:1::/48');
    assert.equal(unregisteredNetwork('198.51.100.23')?.key, unregisteredNetwork('198.51.100.200')?.key);
    assert.notEqual(unregisteredNetwork('198.51.100.23')?.key, unregisteredNetwork('203.0.113.23')?.key);
    // Keys sit above 2^31, where no registry assigns public ASNs.
    assert.ok((unregisteredNetwork('203.0.113.9')?.key ?? 0) >= 2 ** 31);
    assert.ok(INTERNAL_NETWORK_KEY >= 2 ** 31);
    for (const bad of ['', 'not-an-ip', '1.2.3', '256.1.1.1', '1:2']) assert.equal(unregisteredNetwork(bad), undefined, bad);
  });

  it('pages when a key only ever used inside its VPC escalates privileges from the internet', () => {
    const engine = createDetectionEngine();
    assert.equal(pages(run(engine, insideHistory('AKIAVPC', '10.0.1.50'))).length, 0);
    const alerts = run(engine, escalation('AKIAVPC', '198.51.100.23', T0 + 46 * HOUR));
    const place = byRule(alerts, 'new_place')[0];
    assert.ok(place, 'leaving the internal network is a new place');
    assert.equal(place.evidence.new, 'outside');
    assert.equal(place.evidence.network, '198.51.100.0/24');
    const key = byRule(alerts, 'privileged_change').find((a) => a.evidence.operation === 'iam:CreateAccessKey');
    assert.ok(key, 'the second call, the new key, is still from an unfamiliar context');
    assert.equal(key.evidence.unfamiliar_context, true);
    assert.ok(pages(alerts).length > 0);
    assert.ok(worst(alerts) >= 85, `worst score ${worst(alerts)}`);
  });

  it('pages when the same run comes from another unknown public network than the usual one', () => {
    const engine = createDetectionEngine();
    assert.equal(pages(run(engine, insideHistory('AKIADOC', '203.0.113.10'))).length, 0);
    const alerts = run(engine, escalation('AKIADOC', '198.51.100.23', T0 + 46 * HOUR));
    assert.ok(pages(alerts).length > 0);
    const burst = byRule(alerts, 'privileged_change').find((a) => a.evidence.unaccustomed_changes_in_window !== undefined);
    assert.ok(burst, 'the run of changes counts as a burst');
  });

  it('an attacker hopping addresses within the new network stays as new as the network', () => {
    const engine = createDetectionEngine();
    run(engine, insideHistory('AKIAHOP', '203.0.113.10'));
    const hops = escalation('AKIAHOP', '198.51.100.23', T0 + 46 * HOUR).map((e, i) => ({ ...e, source_ip: `198.51.100.${30 + i}` }));
    const alerts = run(engine, hops);
    const key = byRule(alerts, 'privileged_change').find((a) => a.evidence.operation === 'iam:CreateAccessKey');
    assert.ok((key?.evidence.place_novelty as number) >= 30, `place novelty ${key?.evidence.place_novelty}`);
    assert.equal(key?.evidence.unfamiliar_context, true);
  });

  it('hard negative: the same key moving between internal addresses and its usual public address', () => {
    const engine = createDetectionEngine();
    const mixed = [...insideHistory('AKIAMIX', '10.0.1.50', 20), ...insideHistory('AKIAMIX', '203.0.113.10', 20)].map((e, i) => ({
      ...e,
      ts: T0 + i * 45 * MIN,
      time: new Date(T0 + i * 45 * MIN).toISOString(),
    }));
    mixed.sort((a, b) => a.ts - b.ts);
    const alerts = run(engine, mixed);
    assert.equal(byRule(alerts, 'concurrent_use').length, 0, 'an internal address proves nothing about distance');
    assert.equal(pages(alerts).length, 0);
  });
});
