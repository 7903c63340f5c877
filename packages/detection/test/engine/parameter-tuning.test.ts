import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyOperationName } from '../../src/engine/classify/operation-class.js';
import { tunedByParameters } from '../../src/engine/classify/parameter-tuning.js';
import type { EnrichedEvent } from '../../src/enriched-event.js';

const retention = (requestParameters?: Record<string, unknown>) =>
  ({ operation: 'logs:PutRetentionPolicy', attributes: requestParameters ? { requestParameters } : {} }) as unknown as EnrichedEvent;

describe('classes decided by parameters', () => {
  const byName = classifyOperationName('logs:PutRetentionPolicy');

  it('a log group kept a week or more is housekeeping; a day or three, or no parameters, is defense evasion', () => {
    assert.equal(byName.privilege, 'defense_evasion');
    assert.equal(tunedByParameters(retention({ logGroupName: '/ecs/api', retentionInDays: 30 }), byName).privilege, 'none');
    assert.equal(tunedByParameters(retention({ retentionInDays: '90' }), byName).privilege, 'none');
    assert.equal(tunedByParameters(retention({ retentionInDays: 1 }), byName).privilege, 'defense_evasion');
    assert.equal(tunedByParameters(retention({ retentionInDays: 'x' }), byName).privilege, 'defense_evasion');
    assert.equal(tunedByParameters(retention(), byName).privilege, 'defense_evasion');
  });

  it('leaves every other operation as its name classes it', () => {
    const trail = classifyOperationName('cloudtrail:StopLogging');
    const stop = {
      operation: 'cloudtrail:StopLogging',
      attributes: { requestParameters: { retentionInDays: 30 } },
    } as unknown as EnrichedEvent;
    assert.equal(tunedByParameters(stop, trail), trail);
  });
});
