import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_RULES, compileRules, type Rule, scanBytes, scanText } from '@tokenwarden/scanner';
import { assignmentAt, assignmentFollows } from '../../src/rules/assignment-bytes.js';
import { ASSIGN, VALUE } from '../../src/rules/generic.js';
import { crcToken, prng, twToken } from '../fixtures.js';

// Pieces that exercise every branch of the assignment: quotes, spaces of every kind, each
// operator and near misses, string prefixes in both cases, value runs around 8 and 200 long.
function assignmentPiece(rand: () => number): string {
  const value = (n: number) => Array.from({ length: n }, () => 'aZ09+/=_-.~!@#%^&*'[Math.floor(rand() * 18)]).join('');
  const pieces = [
    '"',
    "'",
    '`',
    ' ',
    '\t',
    '\n',
    '\v',
    '\f',
    '\r',
    ':',
    '=',
    ':=',
    '?=',
    '=>',
    '?',
    '>',
    'r',
    'B',
    'u',
    'F',
    'x',
    '(',
    ',',
    ']',
    '"]',
    "', ",
    '&page=2',
    '&a',
    '&_x.y-z=',
    ': string =',
    ':&str=',
    ' string ',
    'String[]',
    '[]byte(',
    '[]BYTE("',
    '&',
    '[',
    '.',
    '_x9',
    ';',
    '<',
    '$',
    '{',
    '\u00a0',
    value(1 + Math.floor(rand() * 9)),
    value(7),
    value(8),
    value(200),
    value(201),
    value(190 + Math.floor(rand() * 20)),
  ];
  return pieces[Math.floor(rand() * pieces.length)] as string;
}

// `https://` + 128-character user + `:` + a random password of `length` + `@host`.
function longestUrl(rand: () => number, length: number): string {
  const password = Array.from({ length }, () => 'aB3xQ9z7Km'[Math.floor(rand() * 10)]).join('');
  return `https://${'u'.repeat(128)}:${password}@ex.acme-corp.net `;
}

describe('byte fast paths give the same results as the RegExp paths', () => {
  it('assignmentFollows answers as the generic followedBy RegExp at every offset (20,000 seeded texts)', () => {
    const re = new RegExp(`${ASSIGN}${VALUE}`, 'iy');
    const rand = prng(0x5eed);
    let holds = 0;
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      const parts = 1 + Math.floor(rand() * 8);
      for (let k = 0; k < parts; k++) text += assignmentPiece(rand);
      // ASCII only, as on the byte path (the no-break space stands for a non-ASCII text).
      const ascii = text.replace(/[^\x00-\x7f]/g, ' ');
      const bytes = Buffer.from(ascii, 'latin1');
      for (let at = 0; at <= ascii.length; at++) {
        re.lastIndex = at;
        const expected = re.test(ascii);
        if (expected) holds++;
        assert.equal(assignmentFollows(bytes, at), expected, `text ${JSON.stringify(ascii)} at ${at}`);
      }
    }
    assert.ok(holds > 10_000, `only ${holds} positive cases`);
  });

  it('assignmentFollows on hard cases', () => {
    const cases: [string, boolean][] = [
      ['= "abcdefgh"', true],
      ['= "abcdefg"', false],
      ["'  :=  r'abcdefgh1234", true],
      [':=abcdefgh', true],
      [':==bcdefgh', true],
      ['=>  `abcdefghij`', true],
      ['=>abcdefgh', true],
      ['=>>abcdefgh', false],
      ['?= abcdefgh', true],
      ['? = abcdefgh', false],
      ['"" = abcdefgh', false],
      [`= ${'a'.repeat(200)}`, true],
      [`= ${'a'.repeat(201)}`, false],
      [`= ${'a'.repeat(200)}"`, true],
      ['= F"abcdefgh', true],
      ['= x"abcdefgh', false],
      ['', false],
      ['=', false],
      [': ', false],
      ['"] = "abcdefgh"', true],
      ["'] = abcdefgh", true],
      ['] := abcdefgh', true],
      ['"]] = abcdefgh', false],
      ["', 'abcdefgh'", true],
      ['" ,  "abcdefgh"', true],
      [', "abcdefgh"', false],
      ["', 'abcdefg'", false],
      ['"], "abcdefgh"', false],
      [': string = "abcdefgh"', true],
      [': &str = "abcdefgh"', true],
      [':String[] ="abcdefgh"', true],
      [':String="abcdefgh"', false],
      [': S3BhVW5Bcmw2M1h5Nw=\n  username: x', true],
      [' string = "abcdefgh"', true],
      ['" value="abcdefgh"', false],
      ['] string = "abcdefgh"', false],
      [' = []byte("abcdefgh")', true],
      [' := []Byte(`abcdefgh`)', true],
      [': string "abcdefgh"', false],
      ['string = "abcdefgh"', false],
      [': &&str = "abcdefgh"', false],
      [' = []byte(abcdefgh)', false],
      ['=abcdefgh&page=2', true],
      ['=abc&page=2', false],
      ['=abcdefgh&&page=2', true],
      [`=${'a'.repeat(200)}&page=2`, true],
      [`=${'a'.repeat(199)}&&page=2`, true],
      [`=${'a'.repeat(200)}b&page=2`, false],
    ];
    const re = new RegExp(`${ASSIGN}${VALUE}`, 'iy');
    for (const [text, expected] of cases) {
      re.lastIndex = 0;
      assert.equal(re.test(text), expected, `RegExp on ${JSON.stringify(text)}`);
      assert.equal(assignmentFollows(Buffer.from(text, 'latin1'), 0), expected, JSON.stringify(text));
    }
  });

  it('assignmentAt tells an unquoted call from a literal', () => {
    const cases: [string, number][] = [
      ['= makeToken(1)', 1],
      [' = getpass.getpass(prompt="x")', 1],
      [':=abcdefgh(', 1],
      [': =abcdefgh(', 1],
      ['= "abcdefgh"(', 2],
      ["= r'abcdefgh'", 2],
      ['= abcdefgh (', 2],
      ['= abcdefgh;', 2],
      ['=> abcdefgh(', 1],
      ['= abc(', 0],
    ];
    for (const [text, expected] of cases) assert.equal(assignmentAt(Buffer.from(text, 'latin1'), 0), expected, JSON.stringify(text));
  });

  it('the generic rules skip unquoted calls on bytes with the same findings as running their pattern', () => {
    const exact = compileRules(
      BUILTIN_RULES.map((r) =>
        typeof r.anchor === 'object' && r.anchor.followedByBytes
          ? { ...r, anchor: { ...r.anchor, followedByBytes: assignmentFollows } }
          : r,
      ),
    );
    const compiled = compileRules(BUILTIN_RULES);
    const rand = prng(0xca11);
    const names = ['token', 'password', 'client_secret', 'DB_PASSWD', 'apiKey', 'x.authToken'];
    const tails = ['(', '(1)', ' (', ';', '', '"', ')', '\n'];
    let found = 0;
    for (let n = 0; n < 3000; n++) {
      let text = '';
      for (let k = 0, parts = 1 + Math.floor(rand() * 6); k < parts; k++) {
        text += names[Math.floor(rand() * names.length)] as string;
        for (let p = 0, more = 1 + Math.floor(rand() * 4); p < more; p++) text += assignmentPiece(rand);
        text += tails[Math.floor(rand() * tails.length)] as string;
      }
      const bytes = Buffer.from(text.replace(/[^\x00-\x7f]/g, ' '), 'latin1');
      const a = scanBytes(bytes, compiled, { file: 'c.py', decode: false }).findings;
      assert.deepEqual(a, scanBytes(bytes, exact, { file: 'c.py', decode: false }).findings, bytes.toString('latin1'));
      found += a.length;
    }
    assert.ok(found > 100, `found ${found}`);
  });

  it('scanBytes (byte assignment test) finds what scanText (RegExp) finds on seeded source-like texts', () => {
    const compiled = compileRules(BUILTIN_RULES);
    const rand = prng(0xc0de);
    const names = [
      'token',
      'apiToken',
      'client_secret',
      'password',
      'DB_PASSWORD',
      'secretKey',
      'tokenUrl',
      'api-key',
      'getToken',
      'secret.api_key_token',
      'tokenSecretPassword',
    ];
    const values = () => [
      `"${twToken()}"`,
      `'${crcToken('ghp_')}'`,
      '"Zq8vN2xR7tLm4Kp9Wc3"',
      'await fetchToken()',
      'process.env.TOKEN',
      `r"${Array.from({ length: 24 }, () => 'aB3x9Q'[Math.floor(rand() * 6)]).join('')}"`,
      '1234',
      '"<YOUR_TOKEN>"',
    ];
    const ops = [' = ', ': ', ' := ', '=>', '?=', ' ', '("', ' == '];
    let found = 0;
    for (let n = 0; n < 300; n++) {
      const lines: string[] = [];
      for (let l = 0; l < 40; l++) {
        const name = names[Math.floor(rand() * names.length)] as string;
        const op = ops[Math.floor(rand() * ops.length)] as string;
        const vs = values();
        lines.push(
          `  ${rand() < 0.3 ? '"' : ''}${name}${op}${vs[Math.floor(rand() * vs.length)]}${rand() < 0.2 ? ' // https://u:pa55word@acme-corp.net' : ''}`,
        );
      }
      const text = lines.join('\n');
      const viaBytes = scanBytes(Buffer.from(text, 'latin1'), compiled, { file: 'f.ts' }).findings;
      const viaText = scanText(text, compiled, { file: 'f.ts' }).findings;
      assert.deepEqual(viaBytes, viaText, text);
      found += viaText.length;
    }
    assert.ok(found > 300, `found ${found}`);
  });

  it('startsWith and keywordAt try the pattern only where a match can start: same findings as searching the windows (seeded)', () => {
    const withIt = compileRules(BUILTIN_RULES);
    const without = compileRules(
      BUILTIN_RULES.map((r) => {
        if (r.startsWith === undefined && r.keywordAt === undefined) return r;
        const { startsWith: _dropped, keywordAt: _also, ...rest } = r;
        return rest;
      }),
    );
    assert.ok(BUILTIN_RULES.some((r) => r.startsWith !== undefined) && BUILTIN_RULES.some((r) => r.keywordAt !== undefined));
    const rand = prng(0xbea4);
    const token = (n: number) => Array.from({ length: n }, () => 'aZ3x9Q._~+/-'[Math.floor(rand() * 12)]).join('');
    const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');
    const pieces = () => [
      'Bearer ',
      'bearer\t',
      'BEARER  ',
      'xBearer ',
      '.Bearer ',
      'Bearer',
      'Basic ',
      'basic\t',
      `Basic ${Buffer.from(`deploy:${token(14)}`).toString('base64')}`,
      token(8),
      token(24),
      token(2100),
      '==',
      ' ',
      '\n',
      '"',
      'Authorization: ',
      'x'.repeat(200),
      'key-',
      'KEY-',
      '_key-',
      hex(32),
      '1234',
      '-us',
      '-US',
      '-us7',
      '-us12',
      'NRAL',
      'nral',
      `${hex(36)}NRAL`,
      `${hex(32)}-us1`,
    ];
    let found = 0;
    for (let n = 0; n < 2000; n++) {
      let text = '';
      const ps = pieces();
      for (let k = 0, parts = 3 + Math.floor(rand() * 30); k < parts; k++) text += ps[Math.floor(rand() * ps.length)] as string;
      const a = scanText(text, withIt, { file: 'h.txt', decode: false }).findings;
      assert.deepEqual(a, scanText(text, without, { file: 'h.txt', decode: false }).findings, text);
      const bytes = Buffer.from(text, 'latin1');
      assert.deepEqual(scanBytes(bytes, withIt, { file: 'h.txt', decode: false }).findings, a, text);
      found += a.length;
    }
    assert.ok(found > 200, `found ${found}`);
  });

  it('mustContain skips only windows that cannot match: same findings as without it (seeded URLs)', () => {
    const withIt = compileRules(BUILTIN_RULES);
    const rules: Rule[] = BUILTIN_RULES.map((r) => {
      if (r.mustContain === undefined) return r;
      const { mustContain: _dropped, ...rest } = r;
      return rest;
    });
    assert.ok(BUILTIN_RULES.some((r) => r.mustContain !== undefined));
    const without = compileRules(rules);
    const rand = prng(0xa11);
    const pieces = [
      'https://',
      'http://',
      'user',
      ':',
      'pa55w0rd-x',
      '@',
      'acme-corp.net',
      '/path',
      ' ',
      '\n',
      '"',
      'x'.repeat(300),
      'registry.npmjs.org/-/a-1.0.0.tgz',
      'ftp://',
      'https://deploy:Kx9vQ2mR7tWz@git.acme-corp.net/',
    ];
    let found = 0;
    for (let n = 0; n < 3000; n++) {
      let text = '';
      const parts = 5 + Math.floor(rand() * 40);
      for (let k = 0; k < parts; k++) {
        const piece = pieces[Math.floor(rand() * pieces.length)] as string;
        // A fresh password each time, so the findings are not all one secret.
        text += piece.replace('Kx9vQ2mR7tWz', () => Math.floor(rand() * 1e12).toString(36) + 'Qz');
        // The longest match: its '@' exactly mustContainWithin characters in, or one past.
        if (rand() < 0.05) text += longestUrl(rand, rand() < 0.5 ? 256 : 257);
      }
      const a = scanText(text, withIt, { file: 'u.txt', decode: false }).findings;
      const b = scanText(text, without, { file: 'u.txt', decode: false }).findings;
      assert.deepEqual(a, b, text);
      found += a.length;
    }
    assert.ok(found > 50, `found ${found}`);
    const edge = longestUrl(rand, 256);
    assert.equal(scanText(edge, withIt, { file: 'u.txt', decode: false }).findings.length, 1);
  });
});
