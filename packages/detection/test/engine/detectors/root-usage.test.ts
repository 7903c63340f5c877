import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import type { EnrichedEvent } from '../../../src/enriched-event.js';
import { byRule, DAY, ev, HOUR, type PlaceName, pages, run, T0 } from '../helpers/events.js';

const ROOT = 'arn:aws:iam::418295730164:root';

function rootCall(at: number, place: PlaceName, op: string, extra: Record<string, unknown> = {}): EnrichedEvent {
  const e = ev({ at, cred: 'ASIAROOTSESSION', principal: ROOT, place, client: 'chromeMac', op, interactive: true });
  e.attributes = { identity_type: 'Root', ...extra };
  return e;
}

const rootUsage = (alerts: ReturnType<typeof run>) => byRule(alerts, 'privileged_change').filter((a) => a.evidence.kind === 'root_usage');

describe('detector: the root user at work', () => {
  it('pages on the root user from a server its history does not show, with no baseline at all', () => {
    const alerts = run(createDetectionEngine(), [rootCall(T0, 'frankfurtVps', 'iam:ListUsers')]);
    const [a] = rootUsage(alerts);
    assert.ok(a);
    assert.equal(a.evidence.known_place, false);
    assert.equal(pages([a]).length, 1);
  });

  it('reports, without paging, the owner’s monthly billing visit from the office it always uses', () => {
    const engine = createDetectionEngine();
    const visits = [];
    for (let m = 0; m < 6; m++)
      for (let i = 0; i < 10; i++) visits.push(rootCall(T0 + m * 30 * DAY + i * 60_000, 'londonOffice', 'ce:GetCostAndUsage'));
    run(engine, visits);
    const alerts = run(engine, [rootCall(T0 + 181 * DAY + 10 * HOUR, 'londonOffice', 'billing:GetBillingPreferences')]);
    const [a] = rootUsage(alerts);
    assert.ok(a);
    assert.equal(a.evidence.known_place, true);
    assert.equal(pages(alerts).length, 0);
  });

  it('hard negatives: a call an AWS service makes for the account, a refused call, any other identity', () => {
    const other = ev({ at: T0, cred: 'AKIAUSER', principal: 'alice', place: 'frankfurtVps', client: 'boto3', op: 'iam:ListUsers' });
    other.attributes = { identity_type: 'IAMUser' };
    const refused = rootCall(T0, 'frankfurtVps', 'iam:ListUsers');
    refused.outcome = 'failure';
    const alerts = run(createDetectionEngine(), [
      rootCall(T0, 'awsVirginia', 'kms:Decrypt', { invoked_by: 'cloudtrail.amazonaws.com' }),
      rootCall(T0, 'awsVirginia', 'kms:Decrypt', { source_service: 'AWS Internal' }),
      refused,
      other,
    ]);
    assert.deepEqual(rootUsage(alerts), []);
  });
});
