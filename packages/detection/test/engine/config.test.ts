import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isErrorCode } from '@tokenwarden/core';
import { DEFAULT_DETECTION_CONFIG } from '../../src/engine/config.js';
import { resolveDetectionConfig } from '../../src/engine/resolve-config.js';

function rejects(options: unknown, mentions: string): void {
  assert.throws(
    () => resolveDetectionConfig(options as Parameters<typeof resolveDetectionConfig>[0]),
    (e: unknown) => isErrorCode(e, 'TW_DETECT_CONFIG_INVALID') && (e as Error).message.includes(mentions),
    `expected an error naming ${mentions}`,
  );
}

describe('detection config', () => {
  it('merges a partial section over the defaults and leaves the defaults untouched', () => {
    const cfg = resolveDetectionConfig({ probing: { distinctThreshold: 40 } } as never);
    assert.equal(cfg.probing.distinctThreshold, 40);
    assert.equal(cfg.probing.windowSeconds, DEFAULT_DETECTION_CONFIG.probing.windowSeconds);
    cfg.impossibleTravel.excludedKinds.push('mobile');
    cfg.newPlace.kindWeight.hosting = 0;
    assert.deepEqual(DEFAULT_DETECTION_CONFIG.impossibleTravel.excludedKinds, ['vpn', 'tor', 'satellite', 'security_proxy']);
    assert.equal(DEFAULT_DETECTION_CONFIG.newPlace.kindWeight.hosting, 0.9);
  });

  it('merges network-kind weights over the default weights', () => {
    const cfg = resolveDetectionConfig({ newPlace: { kindWeight: { hosting: 0.5 } } } as never);
    assert.equal(cfg.newPlace.kindWeight.hosting, 0.5);
    assert.equal(cfg.newPlace.kindWeight.tor, 1);
  });

  it('names a misspelt section or key instead of silently keeping the default', () => {
    rejects({ probbing: {} }, 'probbing');
    rejects({ probing: { distinctThreshhold: 40 } }, 'probing.distinctThreshhold');
  });

  it('rejects values of the wrong type, negative numbers and unknown network kinds', () => {
    rejects({ probing: { windowSeconds: '30' } }, 'probing.windowSeconds');
    rejects({ probing: { windowSeconds: -1 } }, 'probing.windowSeconds');
    rejects({ probing: { windowSeconds: Number.NaN } }, 'probing.windowSeconds');
    rejects({ probing: [] }, 'probing');
    rejects({ impossibleTravel: { excludedKinds: ['vpn', 'wifi'] } }, 'impossibleTravel.excludedKinds');
    rejects({ newPlace: { kindWeight: { wifi: 0.5 } } }, 'newPlace.kindWeight.wifi');
    rejects({ newPlace: { kindWeight: { hosting: 2 } } }, 'newPlace.kindWeight.hosting');
    rejects({ risk: { highScore: 30 } }, 'risk');
    rejects([], 'detection');
  });
});
