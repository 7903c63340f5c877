import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_RULES, buildPrefilter, compileRules, keywordHits, type Rule, scanBytes, scanText } from '@tokenwarden/scanner';
import { wasmKeywordLoop } from '../../src/engine/keyword-wasm.js';
import { B64, crcToken, next as random, rnd, twToken } from '../fixtures.js';

// Every (rule, start) a correct keyword matcher must report: each keyword of each rule at every
// position, case-insensitively unless the rule says otherwise. Deliberately naive.
function referenceHits(text: string, rules: readonly Rule[]): Set<string> {
  const lower = text.toLowerCase();
  const out = new Set<string>();
  rules.forEach((rule, i) => {
    for (const kw of rule.keywords) {
      const exact = rule.keywordsCaseSensitive === true;
      const hay = exact ? text : lower;
      const needle = exact ? kw : kw.toLowerCase();
      for (let at = hay.indexOf(needle); at !== -1; at = hay.indexOf(needle, at + 1)) out.add(`${i}:${at}`);
    }
  });
  return out;
}

function flatten(hits: Map<number, number[]>): Set<string> {
  const out = new Set<string>();
  for (const [rule, starts] of hits) for (const at of starts) out.add(`${rule}:${at}`);
  return out;
}

// Keywords and their fragments in random case, glued together and to noise, so that keywords
// overlap, nest (secret_access_key holds secret and access_key) and are cut short.
function adversarialText(keywords: readonly string[], pieces: number): string {
  const parts: string[] = [];
  for (let k = 0; k < pieces; k++) {
    const kw = keywords[Math.floor(random() * keywords.length)] as string;
    const roll = random();
    let piece = roll < 0.6 ? kw : roll < 0.8 ? kw.slice(0, Math.max(1, Math.floor(random() * kw.length))) : rnd(3);
    piece = [...piece].map((c) => (random() < 0.4 ? c.toUpperCase() : c)).join('');
    parts.push(piece, random() < 0.5 ? '' : ([' ', '_', '-', '.', '=', '\n', ':'][Math.floor(random() * 7)] as string));
  }
  return parts.join('');
}

describe('keyword prefilter (Aho-Corasick automaton)', () => {
  const pf = buildPrefilter(BUILTIN_RULES);

  it('reports exactly every occurrence of every keyword, overlapping and nested ones included', () => {
    for (let round = 0; round < 20; round++) {
      const text = adversarialText(pf.keywords, 400);
      assert.deepEqual([...flatten(keywordHits(text, pf))].sort(), [...referenceHits(text, BUILTIN_RULES)].sort(), `round ${round}`);
    }
  });

  it('gives the same hits on the bytes of an ASCII text as on the string', () => {
    const text = adversarialText(pf.keywords, 2000);
    assert.deepEqual(keywordHits(Buffer.from(text, 'latin1'), pf), keywordHits(text, pf));
  });

  it('gives exactly the reference hits on bytes longer than one WebAssembly slice (1 MB)', () => {
    const parts: string[] = [];
    let length = 0;
    while (length < 1.3 * (1 << 20)) {
      const piece = adversarialText(pf.keywords, 2000);
      parts.push(piece);
      length += piece.length;
    }
    const text = parts.join('');
    const bytes = Buffer.from(text, 'latin1');
    assert.deepEqual([...flatten(keywordHits(bytes, pf))].sort(), [...referenceHits(text, BUILTIN_RULES)].sort());
    // A keyword cut by the slice boundary: the next slice's first lane warms up on the bytes before it.
    const cut = `${' '.repeat((1 << 20) - 2)}ghp_ ${'z'.repeat(5000)}`;
    assert.deepEqual([...flatten(keywordHits(Buffer.from(cut, 'latin1'), pf))].sort(), [...referenceHits(cut, BUILTIN_RULES)].sort());
    assert.ok(wasmKeywordLoop(pf.automaton) !== null, 'the WebAssembly loop is available and was used');
  });

  it('gives exactly the reference hits for keywords cut by the WebAssembly loop’s lane boundaries', () => {
    // The loop runs four lanes of ceil(length / 4) bytes side by side; each starts from the root
    // state a warm-up before its first byte. Keywords across, before and after every boundary:
    for (const length of [5000, 5001, 5003, 8191]) {
      const lane = Math.ceil(length / 4);
      for (const keyword of ['secret_access_key', 'ghp_', 'sk', 'begin rsa private key']) {
        for (let shift = -keyword.length - 1; shift <= 1; shift++) {
          const chars = Array.from({ length }, () => ' ');
          for (let j = 0; j <= 4; j++) {
            const at = j * lane + shift;
            if (at < 0 || at + keyword.length > length) continue;
            for (let k = 0; k < keyword.length; k++) chars[at + k] = keyword[k] as string;
          }
          const text = chars.join('');
          const hits = flatten(keywordHits(Buffer.from(text, 'latin1'), pf));
          assert.deepEqual([...hits].sort(), [...referenceHits(text, BUILTIN_RULES)].sort(), `${length} ${keyword} ${shift}`);
        }
      }
    }
  });

  it('lists each rule’s hits in ascending order without repeats', () => {
    const text = adversarialText(pf.keywords, 3000);
    for (const [rule, starts] of keywordHits(text, pf)) {
      for (let k = 1; k < starts.length; k++) assert.ok((starts[k - 1] as number) < (starts[k] as number), `rule ${rule}`);
    }
  });

  it('finds at least every hit of the reference RegExp alternation (one RegExp over all keywords)', () => {
    const text = [
      'export AWS_SECRET_ACCESS_KEY=abc; secret_access_key secretaccesskey SECRET',
      'postgres://u:p@h mongodb+srv://x sk-ant-api03-x sk_live_ sk-proj- SK0123 tw_k_ ghp_ github_pat_',
      'token TOKEN authtoken auth_token _authToken -----BEGIN OPENSSH PRIVATE KEY----- eyJhbGciOi',
    ].join('\n');
    const automaton = flatten(keywordHits(text, pf));
    let regexHits = 0;
    pf.regex.lastIndex = 0;
    for (const m of text.matchAll(pf.regex)) {
      regexHits++;
      const matched = m[0].toLowerCase();
      // The RegExp consumes the longest keyword; the automaton reports it and every keyword inside.
      BUILTIN_RULES.forEach((rule, i) => {
        for (const kw of rule.keywords) {
          if (kw.toLowerCase() !== matched) continue;
          if (rule.keywordsCaseSensitive && m[0] !== kw) continue;
          assert.ok(automaton.has(`${i}:${m.index}`), `${rule.id} at ${m.index} (${m[0]})`);
        }
      });
    }
    assert.ok(regexHits > 20);
  });

  it('confirms case-sensitive keywords exactly (SK, not sk or Sk)', () => {
    const twilioKey = BUILTIN_RULES.findIndex((r) => r.keywordsCaseSensitive === true);
    assert.ok(twilioKey >= 0);
    const kw = (BUILTIN_RULES[twilioKey] as Rule).keywords[0] as string;
    const text = `${kw} ${kw.toLowerCase()} ${kw[0]}${kw.slice(1).toLowerCase()}`;
    assert.deepEqual(keywordHits(text, pf).get(twilioKey), [0]);
  });

  it('never misses a keyword when keywords use more than 255 distinct characters', () => {
    // Custom rules may bring any characters: past 255 classes some share one, which may add
    // hits (the rule pattern rejects them) but must not lose any.
    const rules: Rule[] = Array.from({ length: 200 }, (_, k) => ({
      id: `wide-${k}`,
      description: 'wide',
      provider: 'test',
      keywords: [String.fromCharCode(0x4e00 + 2 * k, 0x4e01 + 2 * k, 0x61 + (k % 26))],
      pattern: /x/g,
      severity: 'low',
    }));
    const wide = buildPrefilter(rules);
    const text = rules.map((r) => `..${r.keywords[0]}..${(r.keywords[0] as string).toUpperCase()}`).join(' ');
    const found = flatten(keywordHits(text, wide));
    for (const hit of referenceHits(text, rules)) assert.ok(found.has(hit), hit);
  });
});

describe('scanning bytes', () => {
  const compiled = compileRules(BUILTIN_RULES);
  const clean = (text: string) => scanText(text, compiled, { file: 'f' }).findings;
  const fromBytes = (text: string) => scanBytes(Buffer.from(text, 'utf8'), compiled, { file: 'f' }).findings;

  it('finds the same secrets, lines and columns as scanning the decoded text', () => {
    const text = [
      '// plain code with token and password words but no values',
      `const github = "${crcToken('ghp_')}";`,
      // Letters and digits: a value of letters alone reads as an identifier.
      `  api_key: "${rnd(15, B64)}9${rnd(15, B64)}"`,
      `TW=${twToken()}`,
    ].join('\n');
    assert.ok(clean(text).length >= 3);
    assert.deepEqual(fromBytes(text), clean(text));
  });

  it('locates secrets after multi-byte UTF-8 characters by character, not byte', () => {
    const token = crcToken('ghp_');
    const text = `// héllo wörld ✓ 🎉\nconst t = "${token}"; // ✓\n`;
    const found = fromBytes(text);
    assert.deepEqual(
      found.map((f) => [f.line, f.column, f.secret]),
      [[2, 12, token]],
    );
    assert.deepEqual(found, clean(text));
  });

  it('still decodes an encoded secret in a file without any keyword', () => {
    const token = crcToken('ghp_');
    const text = `blob ${Buffer.from(`config with ${token} inside`).toString('base64')}\n`;
    const found = fromBytes(text);
    assert.deepEqual(
      found.map((f) => [f.secret, f.encoding]),
      [[token, 'base64']],
    );
    const url = `x = https%3A%2F%2Fexample.org%2F%3Fk%3D${token}\n`.replace('https', 'hxxps');
    assert.deepEqual(
      fromBytes(url).map((f) => f.secret),
      [token],
    );
  });

  it('returns nothing for keyword-free, blob-free text', () => {
    assert.deepEqual(fromBytes('just some prose, nothing encoded, no credentials at all\n'.repeat(50)), []);
  });
});

describe('name-anchored rules skip hits not followed by an assignment', () => {
  const compiled = compileRules(BUILTIN_RULES);
  const secretsOf = (text: string) => scanText(text, compiled, { file: 'f' }).findings.map((f) => [f.rule, f.secret]);
  const value = 'Zq8vN2xR7tLm4Kp9Wc3Yb6Hd';

  it('still finds every assignment form', () => {
    for (const line of [
      `token = "${value}"`,
      `"accessToken": "${value}"`,
      `api_key => '${value}'`,
      `CLIENT_SECRET := ${value}`,
      `secret ?= ${value}`,
      `my.secret.value: ${value}`,
      `auth_token\t=\t${value}`,
      // The string prefix is matched case-insensitively, as the pattern does (R"..." as r"...").
      `SECRET_KEY = R"${value}"`,
      `password: U'${value}'`,
    ]) {
      const rule = line.startsWith('password') ? 'generic-password' : 'generic-secret';
      assert.deepEqual(secretsOf(line), [[rule, value]], line);
    }
  });

  it('skips assignments whose value the pattern could never take', () => {
    const templateUrl = `const tokenUrl = \`$\{base}/oauth/token\`;`;
    for (const line of [templateUrl, 'token = await getToken();', 'secret: 1234']) {
      assert.deepEqual(secretsOf(line), [], line);
    }
  });

  it('finds the assignment among many non-assignment hits on one line', () => {
    const noise = 'getToken(); tokenCache.get(token); refreshToken(secret); '.repeat(20);
    assert.deepEqual(secretsOf(`${noise} const sessionToken = "${value}";`), [['generic-secret', value]]);
  });
});
