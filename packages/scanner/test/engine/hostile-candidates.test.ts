import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanString } from '@tokenwarden/scanner';
import { crcToken, jwt } from '../fixtures.js';

// A file an attacker writes to hide a real secret from the scanner: a decoy token built to make a validator throw.
// Before, the throw marked the whole file unreadable and every secret in it was lost.
describe('hostile candidates never hide a file', () => {
  const real = crcToken('ghp_');

  it("a JWT whose alg is an Object.prototype member (`constructor`) is judged, and the file's other secrets are found", () => {
    const decoy = jwt({ sub: 'x', iss: 'https://example.com' }, { alg: 'constructor', typ: 'JWT' });
    const findings = scanString(`const a = "${decoy}";\nconst token = "${real}";\n`, 'hide.ts');
    assert.ok(
      findings.some((f) => f.rule.startsWith('github') && f.secret === real),
      findings.map((f) => f.rule).join(', '),
    );
    assert.ok(findings.some((f) => f.rule === 'jwt'));
  });

  it('a JWT whose exp is past what a Date can hold is reported without a date, not a RangeError', () => {
    for (const exp of [1e300, -1e300, 8.64e12 + 1]) {
      const decoy = jwt({ sub: 'x', exp });
      const findings = scanString(`A=${decoy}\nB=${real}\n`, 'hide.env');
      assert.ok(
        findings.some((f) => f.secret === real),
        `exp ${exp}`,
      );
      const j = findings.find((f) => f.rule === 'jwt');
      assert.equal(j?.details?.exp, undefined, `exp ${exp}`);
    }
  });
});
