import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenWardenError } from '@tokenwarden/core';
import { validateLabels } from '@tokenwarden/simulator';

const base = { format: 'tokenwarden-sim-labels', version: 1, credentials: [] as unknown[] };
const attack = (extra: Record<string, unknown>) => ({
  credential: 'AKIA1',
  principal: 'p',
  holder: 'user',
  label: 'attack',
  hard_negative: 'none',
  attack: { kind: 'smash_and_grab', start: '2026-11-05T01:00:00Z', end: '2026-11-05T02:00:00Z', first_damage: null, ...extra },
});

test('validateLabels names the first problem and where it is', () => {
  const bad: [unknown, RegExp][] = [
    [[], /labels\.json: \/: must be an object/],
    [{ ...base, format: 'x' }, /\/format/],
    [{ ...base, credentials: [{ credential: '' }] }, /\/credentials\/0\/credential/],
    [{ ...base, credentials: [attack({}), attack({})] }, /duplicate credential AKIA1/],
    [{ ...base, credentials: [{ ...attack({}), label: 'evil' }] }, /\/credentials\/0\/label/],
    [{ ...base, credentials: [attack({ end: '2026-11-04T00:00:00Z' })] }, /\/credentials\/0\/attack\/end: must not be before start/],
    [{ ...base, credentials: [attack({ first_damage: 'soon' })] }, /first_damage/],
  ];
  for (const [value, message] of bad) {
    assert.throws(
      () => validateLabels(value, 'labels.json'),
      (e: unknown) => e instanceof TokenWardenError && e.code === 'TW_INPUT_MALFORMED' && message.test(e.message),
    );
  }
  assert.equal(validateLabels({ ...base, credentials: [attack({})] }, 'labels.json').credentials.length, 1);
});
