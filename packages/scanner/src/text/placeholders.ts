/**
 * Documentation examples published by providers; they are everywhere in READMEs and tests and
 * are never live. Compared exactly.
 */
export const DOCUMENTATION_EXAMPLES: ReadonlySet<string> = new Set([
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'ASIAIOSFODNN7EXAMPLE',
  'AKIAI44QH8DHBEXAMPLE',
  'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
  'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
  'sk_test_BQokikJOvBiI2HlWgH4olfQ2',
  'sk_test_26PHem9AhJZvU623DfE1x4sd',
  'pk_test_TYooMQauvdEDq54NiTphI7jx',
  'rk_test_4eC39HqLyjWDarjtT1zdp7dc',
  'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
  'gho_16C7e42F292c6912E7710c838347Ae178B4a',
  'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy',
  'xoxp-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy',
  // OAuth 2.0 (RFC 6749): the access token, refresh token, code and client secret of its examples.
  '2YotnFZFEjr1zCsicMWpAA',
  'tGzv3JOkF0XG5Qx2TlKWIA',
  'SplxlOBeZQQYbYS6WxSbIA',
  '7Fjfp0ZBr1KtDRbnfVdmIw',
  // ... and its client password, as in its Basic header (s6BhdRkqt3:gX1fBat3bV).
  'gX1fBat3bV',
  'czZCaGRSa3F0MzpnWDFmQmF0M2JW',
  // OAuth 1.0 (RFC 5849): client, temporary and token credentials and the verifier.
  'dpf43f3p2l4k3l03',
  'kd94hf93k423kf44',
  'hh5s93j4hdidpola',
  'hdhd0244k9j7ao03',
  'nnch734d00sl2jdk',
  'pfkkdhi9sl3r4s00',
  'hfdp7dh39dks9884',
  // PKCE (RFC 7636) verifier and challenge.
  'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  // The sample credentials of the providers' own API documentation, copied into countless READMEs
  // and tests: Mailgun's API key, SendGrid's Bearer example, Discord's bot token, the two token
  // shapes of Telegram's Bot API and BotFather pages.
  'key-3ax6xnjp29jd6fds4gc373sgvjxteol0',
  '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',
  'MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs',
  '110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
  '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11',
  // jwt.io's default token.
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
]);

// Words that mark a value as made up. Matched case-insensitively inside the secret body.
const MARKER_WORDS =
  /example|dummy|sample|placeholder|changeme|change_me|replace_?me|your[-_ ]?(?:api[-_ ]?)?(?:key|token|secret|password)|insert[-_ ]?|redacted|fake|notreal|not[-_]a[-_]real|lorem|foobar|xxxx|\*{3,}|•{3,}|test[-_]?(?:key|token|secret|password)|<[^>]*>|\$\{|\{\{|%\(|\$\(|\bnull\b|\bundefined\b|\bnone\b/i;

// Values that are the name of the thing rather than the thing (user:password@host), also with the
// words documentation puts before them (somepassword, authpassword, db_pass, secretkey).
const COMMON_WORDS =
  /^(?:(?:my|your|some|the|our|auth|db|user|admin|app|root|super|strong|secret|default|new|old|dev|local|prod)[-_.]?)?(?:password|passwd|pass|pwd|secret|token|apikey|api_key|key|value|string|admin|user|username|root|guest|test|demo|default|private)\d{0,3}$/i;

// The passwords every tutorial and changelog uses (compared in lower case): never someone's secret
// worth a finding, and far more often an example than a real password.
const TUTORIAL_PASSWORDS: ReadonlySet<string> = new Set([
  '1234',
  '123456',
  '1234567',
  '12345678',
  'qwerty',
  'qwerty123',
  'letmein',
  'hunter2',
  'abc123',
  'passw0rd',
  'p@ssw0rd',
  'p@ssword',
  's3cr3t',
  's3cret',
  'secret123',
  'password1',
  'password123',
  'admin123',
  'root123',
  'iloveyou',
  'trustno1',
  'welcome1',
  'opensesame',
]);

// A format field standing for the value: Python's {self.password} / {0}, printf's %s (and the
// closing quote or bracket of the string it sits in, which a whitespace-delimited value takes along).
const FORMAT_FIELD = /^(?:\{[^{}\s]*\}|%[sdv]|%\([\w.]+\)[sd])["'`),;]*$/;

// True when one character repeats `n` times in a row: what /(.)\1{7,}/ tests, without the
// backreference, which cost as much as the rest of the placeholder check together on the bench.
function hasRepeatRun(s: string, n: number): boolean {
  let run = 1;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // `.` matches no line terminator.
    if (c === s.charCodeAt(i - 1) && c !== 0x0a && c !== 0x0d && c !== 0x2028 && c !== 0x2029) {
      if (++run >= n) return true;
    } else run = 1;
  }
  return false;
}

/**
 * True when a candidate secret is a placeholder, template variable, redaction, documentation
 * example or a run of a repeated or sequential filler instead of a real secret.
 *
 * @example
 * ```ts
 * isPlaceholder('<YOUR_TOKEN>'); // true
 * isPlaceholder('${GITHUB_TOKEN}'); // true
 * isPlaceholder('AKIAIOSFODNN7EXAMPLE'); // true
 * ```
 */
export function isPlaceholder(secret: string): boolean {
  if (DOCUMENTATION_EXAMPLES.has(secret)) return true;
  // Stripe's own test-mode prefixes contain "test" legitimately; judge the body only.
  const body = secret.replace(/^(?:sk|rk|pk)_(?:test|live)_/, '');
  if (MARKER_WORDS.test(body)) return true;
  if (/^\$[A-Za-z_]\w*$/.test(body) || /^%[A-Za-z_]\w*%$/.test(body)) return true;
  // An environment variable inside the value (`tok_$API_TOKEN_SUFFIX`): interpolated, not literal.
  // Its name has an underscore, which a password's `$W0RD` or `$ALE2024` has not.
  if (/\$[A-Z][A-Z0-9]*_[A-Z0-9_]*/.test(body)) return true;
  if (hasRepeatRun(body, 8)) return true;
  if (COMMON_WORDS.test(body) || FORMAT_FIELD.test(body) || TUTORIAL_PASSWORDS.has(body.toLowerCase())) return true;
  // Cut short on purpose: "eyJhbGciOiJSUzI1NiIsImtpZ..." in documentation.
  if (body.endsWith('...') || body.endsWith('…')) return true;
  if (/0123456789|123456789|987654321|abcdefghij|ABCDEFGHIJ|qwertyuiop/i.test(body)) return true;
  return false;
}
