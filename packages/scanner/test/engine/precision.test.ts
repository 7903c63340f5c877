// biome-ignore-all lint/suspicious/noTemplateCurlyInString: literal ${VAR} placeholders are the point of these fixtures
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { BUILTIN_RULES, compileRules, scanString, scanText, toPublicFinding } from '@tokenwarden/scanner';
import { B64, crcToken, HEX, jwt, opensshKey, pem, rnd, twToken } from '../fixtures.js';

const rulesOf = (text: string) => scanString(text, 'x.txt').map((f) => f.rule);

describe('precision: what must not be reported', () => {
  it('ignores placeholders and template variables', () => {
    const text = [
      'GITHUB_TOKEN=<YOUR_TOKEN>',
      'api_key: ${API_KEY}',
      'secret: "{{ vault_secret }}"',
      'password = "xxxxxxxxxxxx"',
      'token = "****************"',
      'password: changeme',
      'api_key = "your-api-key-here"',
      'client_secret = "example-client-secret-value"',
      'aws_secret_access_key = "dummy-secret-access-key-0000000000000"',
      'stripe: sk_live_fakefakefakefakefakefakefake',
      'api_token = "test-token-not-real-1234567890"',
    ].join('\n');
    assert.deepEqual(rulesOf(text), []);
  });

  it('ignores documentation examples of AWS, GitHub, Stripe, jwt.io, Mailgun, SendGrid, Discord and Telegram', () => {
    const text = [
      'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'token: ghp_16C7e42F292c6912E7710c838347Ae178B4a',
      "auth=('api', 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0'),",
      'Authorization: Bearer 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',
      'Authorization: Bot MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs',
      'TELEGRAM_BOT_TOKEN=110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
      'TELEGRAM_BOT_TOKEN=123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11',
      // An example encoded: base64 of "example-password" and of "your-api-token-here".
      'password: ZXhhbXBsZS1wYXNzd29yZA==',
      `api_token: "${Buffer.from('your-api-token-here').toString('base64')}"`,
      'Stripe.api_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"',
      'Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
    ].join('\n');
    assert.deepEqual(rulesOf(text), []);
  });

  it('rejects wrong checksums (GitHub, npm, tw_)', () => {
    const flip = (t: string) => t.slice(0, -1) + (t.endsWith('a') ? 'b' : 'a');
    assert.deepEqual(rulesOf(`a=${flip(crcToken('ghp_'))}\nb=${flip(crcToken('npm_'))}\nc=${flip(twToken())}`), []);
  });

  it('reports a wrong checksum under no other rule either, even assigned to a secret-like name or in a header', () => {
    const flip = (t: string) => t.slice(0, -1) + (t.endsWith('a') ? 'b' : 'a');
    const text = [
      `GITHUB_TOKEN=${flip(crcToken('ghp_'))}`,
      `"token": "${flip(crcToken('gho_'))}"`,
      `NPM_TOKEN: ${flip(crcToken('npm_'))}`,
      `TW_SECRET="${flip(twToken())}"`,
      `curl -H "Authorization: Bearer ${flip(crcToken('ghs_'))}" https://api.github.com/user`,
      `GRAFANA_TOKEN=glsa_${rnd(32)}_${rnd(8, HEX)}`,
    ].join('\n');
    assert.deepEqual(rulesOf(text), []);
    // The same names with a valid token are reported by the provider rule, and a value of no
    // checksummed format by the generic one.
    assert.deepEqual(rulesOf(`GITHUB_TOKEN=${crcToken('ghp_')}\nAPI_TOKEN=${rnd(40)}`), ['github-pat', 'generic-secret']);
  });

  it('ignores lockfile integrity hashes, git SHAs, UUIDs, public keys, certificates and redactions', () => {
    const text = [
      `"integrity": "sha512-${rnd(86, B64)}==",`,
      `resolved "https://registry.yarnpkg.com/x/-/x-1.0.0.tgz#${rnd(40, HEX)}"`,
      `commit ${rnd(40, HEX)}`,
      `"revision": "${rnd(40, HEX)}"`,
      `request_id = "${rnd(8, HEX)}-${rnd(4, HEX)}-4${rnd(3, HEX)}-a${rnd(3, HEX)}-${rnd(12, HEX)}"`,
      pem('PUBLIC KEY'),
      pem('CERTIFICATE'),
      pem('RSA PUBLIC KEY'),
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host',
      'token: ghp_****************************',
      'GITHUB_TOKEN=ghp_[REDACTED]',
    ].join('\n');
    assert.deepEqual(rulesOf(text), []);
  });

  it('ignores shapes found in real third-party code: working directories, paths, routes, C statements, made-up DB passwords', () => {
    const text = [
      // process.env in type docs and shell dumps: PWD is the working directory.
      "  PWD: '/home/dana/projects',",
      'OLDPWD=/home/dana/src/app',
      "const credentialIssuerRoute = '/.well-known/credential-issuer';",
      'secret_dir: ./secrets/prod/',
      'client_secret_file = ~/.config/app/client.json',
      // C: a call and an assignment of a function to a member.
      '  p->zToken = sqlite3DbStrDup(db, zStart);',
      '  api->xTokenize2 = fts5Tokenize2;',
      // README connection strings with words for credentials.
      'const config = parse("postgres://someuser:somepassword@somehost:5432/somedb")',
      'new Redis("redis://:authpassword@127.0.0.1:6380/4");',
      'mysql://root:db_pass@localhost/app',
      // Test values made of words and numbers (@pinojs/redact, a logger test's query string).
      "              password: 'real-secret-6-levels'",
      "log.info({ url: '/api/v1/items?access_token=url-token-987654321&page=2' }, 'GET');",
      // gcloud: a Secret Manager path passed where a password goes, a git config key with a URL.
      "  $ gcloud eventarc kafka-sources create src --sasl-password='projects/123/secrets/my-secret/versions/1'",
      "            'credential.https://source.developers.google.com/.helper=',",
    ].join('\n');
    assert.deepEqual(rulesOf(text), []);
    // The same names with real values are still reported.
    const real = [
      "  PASSWORD: 'Xk9#mQ2!vL7@pR4',",
      "client_secret = 'Zx81kLp02Qm9vB7nR4tY6wE3aa'",
      'postgres://app:Tq8!zW3#kP@db.internal:5432/main',
      // Letters in random case then digits: not a word and a number.
      'mysql -u root -pXMEBZMocpY9149 -h db.internal app',
    ].join('\n');
    assert.deepEqual(rulesOf(real).sort(), ['generic-password', 'generic-secret', 'mysql-cli-password', 'postgres-url']);
    // A '$' inside a value is part of it (generated passwords, Django keys); at its start or
    // before a shell variable's name it is a reference.
    const dollar = scanString("SECRET_KEY = 'django-insecure-8$k2!zq9@x#v7m^p3w&r5t*y1u6i0o4e'\nDB_PASSWORD=Qm9$$W0RD!t7", 's.py');
    assert.deepEqual(dollar.map((f) => [f.rule, f.secret]).sort(), [
      ['generic-password', 'Qm9$$W0RD!t7'],
      ['generic-secret', 'django-insecure-8$k2!zq9@x#v7m^p3w&r5t*y1u6i0o4e'],
    ]);
    assert.deepEqual(rulesOf('DB_PASSWORD=$DB_PASSWORD_FROM_VAULT\nAPI_TOKEN=tok_$API_TOKEN_SUFFIX_VALUE'), []);
    // A connection string's `;` is not the end of a C statement.
    assert.deepEqual(rulesOf('Server=tcp:db.acme-corp.net,1433;Database=app;User ID=app;Password=Xq8mZ2kP0wLs7Rb;Encrypt=true;'), [
      'generic-password',
    ]);
  });

  it('ignores doctests, format fields, tutorial passwords, RFC example tokens and JWTs signed with a documentation key', () => {
    const hs256 = (key: string) => {
      const input = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"ana","role":"admin"}').toString('base64url')}`;
      return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
    };
    const text = [
      '    >>> uri = "https://example.com/cb#access_token=k3jf98sdfj4&token_secret=Zp0q8Xw7Lk2m"',
      '    >>> body',
      "    'oauth_token=a8sd7f6g5h4&oauth_token_secret=qwe0892lkjsdf77'",
      "        return f'machine {hostname} login {self.username} password {self.password}'",
      'machine build.acme.io password 123456',
      'machine ftp.acme.io login daniel password qwerty',
      'Authorization: Bearer 2YotnFZFEjr1zCsicMWpAA',
      'refresh_token=tGzv3JOkF0XG5Qx2TlKWIA',
      'oauth_token_secret="pfkkdhi9sl3r4s00"',
      `token = "${hs256('secret')}"`,
      `jwt: ${hs256('your-256-bit-secret')}`,
    ].join('\n');
    assert.deepEqual(rulesOf(text), []);
    const kept = [
      'oauth_token_secret = "qZ81kLp02Qm9vB7nR4tY6wE3"',
      'machine build.internal login ci password Xq8!mZ2#kP0w',
      `token = "${hs256(rnd(32))}"`,
    ].join('\n');
    assert.deepEqual(rulesOf(kept).sort(), ['generic-secret', 'jwt', 'netrc-password']);
  });

  it('ignores credentials for documentation hosts (RFC 2606 names, placeholders), netrc words in prose, word lists, bare names and values cut short', () => {
    const text = [
      'machine example\\&.org/debian login apt password Zq7debianX',
      'machine repo.example login ci password Kx9vQ2mR7tWz',
      '<http://fred:Kx9vQ2mR7tWz@example.com:8080/>',
      'git remote add origin https://deploy:Kx9vQ2mR7tWz@git.corp.test/app.git',
      'DATABASE_URL=postgres://app:Kx9vQ2mR7tWz@db.example.net:5432/main',
      'mongodb://admin:Kx9vQ2mR7tWz@yourdomain.com/db',
      'old passwords are stored on the local machine and are not available on another machine for password history checking.',
      '__comp "username= message= passphrase= password= scmVersion= $(list)"',
      'CSPRNG tokens: token_hex/token_urlsafe/randbelow',
      'export DB_TOKEN="eyJhbGciOiJSUzI1NiIsImtpZ..."',
      'Authorization: Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW',
      'pkcs11:token=Root%20CA%20Certificates;serial=1%3AROOTS%3ADEFAULT;model=1%2E0',
    ].join('\n');
    assert.deepEqual(rulesOf(text), []);
    const kept = [
      'machine git.acme-corp.net login ci password Kx9vQ2mR7tWz',
      'https://deploy:Kx9vQ2mR7tWz@git.acme-corp.net/app.git',
      'DATABASE_URL=postgres://app:Kx9vQ2mR7tWz@db.acme-corp.net:5432/main',
    ].join('\n');
    assert.deepEqual(rulesOf(kept).sort(), ['git-credentials-url', 'netrc-password', 'postgres-url']);
  });

  it('ignores test fixtures marked fake, dummy or bogus (the name, a comment line above, the file name) in checksum-less formats', () => {
    const key = `sk_live_${rnd(24)}`;
    assert.deepEqual(rulesOf(`STRIPE_KEY = "${key}"`), ['stripe-secret-key']);
    const marked = [
      `FAKE_STRIPE_KEY = "${key}"`,
      `const dummyKey = '${key}';`,
      `# fake credentials for the tests below\nSTRIPE_KEY=${key}`,
      `KEY = "${key}"  # not real`,
    ];
    for (const text of marked) assert.deepEqual(rulesOf(text), [], text);
    assert.deepEqual(
      scanString(`STRIPE_KEY=${key}`, 'tests/fixtures/fake_tokens.env').map((f) => f.rule),
      [],
    );
    // Whole words only, near the secret: `fakery`, a library's `fakeTimers` far along a minified line.
    const kept = [
      `STRIPE_KEY = "${key}"  # fakery`,
      `STRIPE_KEY=${key}\n# the fake one is below`,
      `var t="${key}";${'x=1;'.repeat(100)}jest.useFakeTimers();`,
    ];
    for (const text of kept) assert.deepEqual(rulesOf(text), ['stripe-secret-key'], text);
  });

  it('reports a checksum-valid token whatever its name, comment or file name says (a "# fake" must not hide a live key)', () => {
    const tw = twToken();
    const ghp = crcToken('ghp_');
    const npm = crcToken('npm_');
    const contexts = (t: string) => [
      `FAKE_GITHUB_TOKEN = "${t}"`,
      `const dummyToken = '${t}';`,
      `API_KEY=${t}  # fake`,
      `# the values below are not real\nAPI_KEY=${t}`,
      `fake = 1; token = "${t}"`,
    ];
    for (const [t, rule] of [
      [tw, 'tokenwarden-token'],
      [ghp, 'github-pat'],
      [npm, 'npm-token'],
    ] as const) {
      for (const text of contexts(t)) assert.deepEqual(rulesOf(text), [rule], text);
      for (const file of ['dummy_config.env', 'fake_real.env', 'tests/fixtures/fake_tokens.env'])
        assert.deepEqual(
          scanString(`API_KEY=${t}`, file).map((f) => f.rule),
          [rule],
          file,
        );
    }
  });

  it('accepts tokenwarden:allow on the same line or the line above', () => {
    const a = twToken();
    const b = twToken();
    const c = twToken();
    const found = scanString(`x = "${a}" // tokenwarden:allow\n# tokenwarden:allow\ny = "${b}"\nz = "${c}"`, 'f.ts');
    assert.deepEqual(
      found.map((f) => f.line),
      [4],
    );
  });

  it('reads padded base64 of a password made only of letters as a value, not as the next assignment', () => {
    // 'aBBMRfZTWK7n2R' encoded: letters and a final '=', like `scmVersion=` in a list of names.
    assert.deepEqual(rulesOf('password: YUJCTVJmWlRXSzduMlI='), ['generic-password']);
    assert.deepEqual(rulesOf('__comp "password= scmVersion= $(list)"'), []);
  });

  it('takes tokenwarden:allow only from a comment, not from a string or a URL on the line', () => {
    const t = crcToken('ghp_');
    for (const text of [
      `t = "${t} tokenwarden:allow"`,
      `url = "https://x.io/?q=tokenwarden:allow&t=${t}"`,
      `curl https://x.io/tokenwarden:allow -H "Authorization: token ${t}"`,
    ])
      assert.deepEqual(rulesOf(text), ['github-pat'], text);
    for (const text of [
      `t = "${t}" # tokenwarden:allow`,
      `t = "${t}" // tokenwarden:allow: test fixture`,
      `<!-- tokenwarden:allow --> <token>${t}</token>`,
      `t = "${t}"  -- tokenwarden:allow`,
      `  "t = '${t}'  # tokenwarden:allow\\n",`,
    ])
      assert.deepEqual(rulesOf(text), [], text);
  });

  it('keeps a tokenwarden:allow after code on a line to that line: the next line is still scanned', () => {
    const a = twToken();
    const b = twToken();
    const c = twToken();
    const text = `key: ${a} # tokenwarden:allow\nother: ${b}\n  "# tokenwarden:allow\\n",\n  "t = '${c}'\\n",`;
    assert.deepEqual(
      scanString(text, 'f.yaml').map((f) => f.line),
      [2],
    );
  });
});

describe('findings', () => {
  it('never carry the secret in their public form unless asked', () => {
    const token = twToken();
    const [raw] = scanString(`k=${token}`);
    assert.ok(raw);
    const text = JSON.stringify(toPublicFinding(raw, false));
    assert.ok(!text.includes(token));
    assert.match(toPublicFinding(raw, false).secret_hash, /^[0-9a-f]{64}$/);
    assert.equal(toPublicFinding(raw, true).secret, token);
  });

  it('find OpenSSH keys as ssh-keygen writes them, rate passphrase-protected keys lower, and skip filler blocks', () => {
    const clear = scanString(opensshKey(), 'id_ed25519');
    assert.deepEqual(
      clear.map((f) => [f.rule, f.severity]),
      [['private-key-openssh', 'critical']],
    );
    const locked = scanString(opensshKey('aes256-ctr'), 'id_ed25519');
    assert.deepEqual(
      locked.map((f) => [f.rule, f.severity, f.details?.cipher]),
      [['private-key-openssh', 'high', 'aes256-ctr']],
    );
    const legacy = pem('RSA PRIVATE KEY').replace('-----\n', '-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,039D3391\n\n');
    assert.equal(scanString(legacy, 'key.pem')[0]?.severity, 'high');
    const filler = `-----BEGIN OPENSSH PRIVATE KEY-----\n${'x'.repeat(70)}\n${'x'.repeat(70)}\n-----END OPENSSH PRIVATE KEY-----`;
    assert.deepEqual(rulesOf(filler), []);
  });

  it('rate Stripe test keys and expired JWTs lower', () => {
    const [test] = scanString(`k=sk_test_${rnd(40)}`);
    assert.equal(test?.severity, 'low');
    const expired = jwt({ iss: 'https://auth.acme.io', exp: 1_600_000_000 }, { alg: 'RS256', typ: 'JWT' });
    const [f] = scanString(`Authorization: Bearer ${expired}`);
    assert.equal(f?.rule, 'jwt');
    assert.equal(f?.severity, 'low');
    assert.equal(f?.details?.alg, 'RS256');
    assert.equal(f?.details?.iss, 'https://auth.acme.io');
    assert.equal(f?.details?.expired, true);
    assert.equal(typeof f?.details?.exp, 'string');
  });

  it('decodes base64 and URL-encoded blobs and reports them at the outer location', () => {
    const token = crcToken('ghp_');
    const blob = Buffer.from(`{"github": {"token": "${token}"}, "padding": "some more text here"}`).toString('base64');
    const found = scanString(`line one\nconfig: ${blob}\n`, 'values.yaml');
    const f = found.find((x) => x.rule === 'github-pat');
    assert.ok(f, 'base64-hidden token not found');
    assert.equal(f.encoding, 'base64');
    assert.equal(f.line, 2);
    assert.equal(f.secret, token);

    const url = encodeURIComponent(`postgres://app:${rnd(12)}Zz9@db.acme.net/prod`);
    const u = scanString(`DATABASE=${url}`, 'env').find((x) => x.rule === 'postgres-url');
    assert.equal(u?.encoding, 'url');
  });

  it('decodes the data of Kubernetes Secret manifests and judges each value with its name', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const token = crcToken('ghp_');
    const password = `${rnd(10)}7${rnd(3)}`;
    const yaml = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: app',
      'data:',
      `  GITHUB_TOKEN: ${b64(token)}`,
      `  password: ${b64(password)}`,
      `  username: ${b64('app')}`,
      `  tls.crt: ${b64(pem('CERTIFICATE'))}`,
    ].join('\n');
    const found = scanString(yaml, 'secret.yaml').map((f) => [f.rule, f.line, f.secret, f.encoding]);
    assert.deepEqual(found, [
      ['github-pat', 6, token, 'base64'],
      ['generic-password', 7, password, 'base64'],
    ]);
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', data: { 'api-key': b64(`${rnd(20)}9${rnd(11)}`) } }, null, 2);
    assert.deepEqual(
      scanString(json, 'secret.json').map((f) => [f.rule, f.encoding]),
      [['generic-secret', 'base64']],
    );
    // A ConfigMap's values are not encoded: a short one is judged as written (the long token is
    // still found by the encoded-content pass).
    assert.deepEqual(
      scanString(yaml.replace('kind: Secret', 'kind: ConfigMap'), 'cm.yaml').map((f) => [f.rule, f.secret, f.encoding]),
      [
        ['generic-password', b64(password), undefined],
        ['github-pat', token, 'base64'],
      ],
    );
  });

  it('skips Kubernetes Secret data that is not base64 of printable text, and goes on with the rest', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const password = `${rnd(10)}7${rnd(3)}`;
    const manifest = [
      'kind: Secret',
      'data:',
      '  truncated: c2VjcmV0VmFsdWU', // length not a multiple of 4
      `  binary: ${Buffer.from([0, 1, 2, 0xff, 0xfe, 3, 4, 5]).toString('base64')}`,
      '  empty: ""',
      '  notbase64: "%%%not base64%%%"',
      `  password: ${b64(password)}`,
    ].join('\n');
    assert.deepEqual(
      scanString(manifest, 'secret.yaml').map((f) => [f.rule, f.line, f.secret]),
      [['generic-password', 7, password]],
    );
    assert.deepEqual(scanString('kind: Secret\ndata:\n', 'empty.yaml'), []);
  });

  it('ends a generic value at the next parameter of a query string', () => {
    const key = `${rnd(30)}9q`;
    const found = scanString(`GET /v1/items?api_key=${key}&format=json&page=2 200`, 'access.log');
    assert.deepEqual(
      found.map((f) => [f.rule, f.secret]),
      [['generic-secret', key]],
    );
  });

  it('reports a secret written with percent escapes once, not again from the URL-decoded text', () => {
    // An Azure SAS signature is base64 with `+`, `/` and `=` escaped in the URL.
    const sig = `${rnd(20)}%2B${rnd(20)}%2F${rnd(2)}%3D`;
    const url = `https://acct.blob.core.windows.net/backups/db.bak?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&sig=${sig}`;
    const found = scanString(`{"SasUrl": "${url}"}`, 'appsettings.json').filter((x) => x.rule === 'azure-sas-token');
    assert.deepEqual(
      found.map((f) => f.secret),
      [sig],
    );
  });

  it('finds base64 blobs at the start of a text, right after another blob and in URL-safe form', () => {
    const token = crcToken('ghp_');
    const payload = `{"github": {"token": "${token}"}, "padding": "some more text here"}`;
    const standard = Buffer.from(payload).toString('base64');
    const urlSafe = Buffer.from(`${payload}??>>`).toString('base64url');
    const other = Buffer.from('{"note": "nothing secret in this decoded text at all"}').toString('base64');
    for (const text of [standard, `${other}${standard}`, `${rnd(39, B64)} ${urlSafe}`, `x=${urlSafe};`]) {
      const f = scanString(text, 'blob.txt').find((x) => x.rule === 'github-pat');
      assert.equal(f?.secret, token, `not found in ${text.slice(0, 40)}...`);
      assert.equal(f.encoding, 'base64');
    }
  });

  it('finds a secret in the middle of a multi-megabyte minified line', () => {
    const token = twToken();
    const filler = 'a=1;b=function(c){return c*2};'.repeat(100_000);
    const found = scanString(`${filler}var k="${token}";${filler}`, 'bundle.min.js');
    assert.equal(found.length, 1);
    assert.equal(found[0]?.line, 1);
    assert.equal(found[0]?.column, filler.length + 8);
  });

  it('finds every assignment on a long minified JSON line, as on separate lines, in linear time', () => {
    // Each candidate looked for its line start, its line end and the accepted candidates before
    // it: quadratic in the candidates of a line (20,000 here: ~10 s, the rule budget aside).
    const compiled = compileRules(BUILTIN_RULES, 60_000);
    const pairs = Array.from({ length: 20_000 }, (_, i) => `"token":"${`Zq8vN2xR7tLm4Kp9Wc3${i}`.slice(-16)}"`);
    // Timed against the same pairs on separate lines in the same run (a ratio, not a clock: a loaded machine slows
    // both): linear stays within a few times of it, quadratic was ~30 times.
    let started = performance.now();
    const oneLine = scanText(`{${pairs.join(',')}}`, compiled, { file: 'min.json' });
    const took = performance.now() - started;
    started = performance.now();
    const lines = scanText(`{\n${pairs.join(',\n')}\n}`, compiled, { file: 'pretty.json' });
    const baseline = performance.now() - started;
    assert.ok(lines.findings.length > 10_000, `${lines.findings.length} findings`);
    assert.equal(oneLine.findings.length, lines.findings.length);
    assert.deepEqual(oneLine.warnings, []);
    assert.ok(took < 6 * baseline + 50, `one line took ${Math.round(took)} ms, separate lines ${Math.round(baseline)} ms`);
  });

  it('scans a minified line full of windowed-rule keywords in linear time', () => {
    // 4 MB on one line, `en-us` (mailchimp-api-key's keyword) every KB: each window looked back
    // to the line start (5.5 s here); bounded to the window, ~0.1 s.
    // Timed against the same bytes in 1 KB lines in the same run (a ratio: linear stays within a few times of it).
    const chunk = 'var l="en-us",f=function(x){return x+1};'.padEnd(1024, 'q');
    let started = performance.now();
    assert.deepEqual(scanString(`${chunk.repeat(4096)}var k="${twToken()}";`, 'bundle.min.js').length, 1);
    const took = performance.now() - started;
    started = performance.now();
    assert.deepEqual(scanString(`${`${chunk}\n`.repeat(4096)}var k="${twToken()}";`, 'bundle.js').length, 1);
    const baseline = performance.now() - started;
    assert.ok(took < 6 * baseline + 50, `one line took ${Math.round(took)} ms, 1 KB lines ${Math.round(baseline)} ms`);
  });
});
