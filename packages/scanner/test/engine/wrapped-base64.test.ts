import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanString } from '@tokenwarden/scanner';
import { wrappedBlob } from '../../src/engine/decode.js';
import { crcToken, twToken } from '../fixtures.js';

// What `base64` prints by default: 76 columns per line.
function wrap(text: string, width = 76, indent = ''): string {
  const b64 = Buffer.from(text).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += width) lines.push(indent + b64.slice(i, i + width));
  return `${lines.join('\n')}\n`;
}

const config = (secret: string) =>
  `server:\n  url: https://api.example.org/v1/endpoint\n  retries: 3\n  tokenwarden_key: ${secret}\n  github: ${crcToken('ghp_')}\n`;

describe('line-wrapped base64', () => {
  it('is joined before decoding: the whole secret is found, not a cut one (base64 tool, 76 columns)', () => {
    const secret = twToken();
    const found = scanString(wrap(config(secret)), 'w.b64');
    const tw = found.filter((f) => f.secret.startsWith('tw_'));
    assert.deepEqual(
      tw.map((f) => [f.rule, f.secret, f.line, f.encoding]),
      [['tokenwarden-token', secret, 1, 'base64']],
    );
    assert.ok(found.some((f) => f.rule === 'github-pat' && f.secret.length === 40));
    assert.ok(!found.some((f) => f.rule.startsWith('generic')), JSON.stringify(found.map((f) => [f.rule, f.secret])));
  });

  it('is joined at 64 columns, with CRLF, and indented as a YAML block under its key', () => {
    const secret = twToken();
    const pem = wrap(config(secret), 64).replace(/\n/g, '\r\n');
    const yaml = `data:\n  config: |\n${wrap(config(secret), 76, '    ')}other: 1\n`;
    for (const text of [pem, yaml]) {
      const found = scanString(text, 'x.yaml').filter((f) => f.rule === 'tokenwarden-token');
      assert.deepEqual(
        found.map((f) => f.secret),
        [secret],
        text,
      );
    }
  });

  it('joins only lines of the same width and indentation below a run that fills its line', () => {
    const line = 'QUJD'.repeat(19); // 76 characters
    assert.deepEqual(wrappedBlob(`${line}\n${line}\nQUJD\n`, 0, 76), { blob: `${line}${line}QUJD`, end: 158 });
    // A run after other text on its line, a width not a multiple of 4, a wider or differently
    // indented next line: not wrapped.
    assert.equal(wrappedBlob(`k: ${line}\n${line}\n`, 3, 79), undefined);
    assert.equal(wrappedBlob(`${line}QUJ\n${line}\n`, 0, 79), undefined);
    assert.equal(wrappedBlob(`${line}\n${line}QUJD\n`, 0, 76), undefined);
    assert.equal(wrappedBlob(`  ${line}\n${line}\n`, 2, 78), undefined);
    // Stops after a padded line.
    assert.deepEqual(wrappedBlob(`${line}\nQUJDRA==\n${line}\n`, 0, 76), { blob: `${line}QUJDRA==`, end: 85 });
  });
});
