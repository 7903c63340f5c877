import { lineStarts } from '../engine/line-index.js';
import { charClasses, shannonEntropy } from '../text/entropy.js';
import { looksLikeName } from '../text/name-like.js';
import { isPlaceholder } from '../text/placeholders.js';
import type { Rule, RuleContext, Validation } from '../types.js';
import { literalAssignmentFollows } from './assignment-bytes.js';

// A secret-like name, then an assignment operator (=, :, =>, :=, ?=, a YAML/JSON colon), then a
// quoted or bare value. Only the value is the secret.
const NAME =
  '[A-Za-z0-9_.-]{0,40}?(?:passw(?:or)?d|pwd|secret|token|api[_.-]?key|apikey|access[_.-]?key|auth[_.-]?key|private[_.-]?key|client[_.-]?secret|credentials?|passphrase)[A-Za-z0-9_.-]{0,20}';
/** The assignment after a secret-like name (exported for the byte matcher's tests). */
// Also a subscript (`os.environ["TOKEN"] = ...`, `ENV['SECRET'] = ...`) and a quoted name passed
// with its value to a call (`define('DB_PASSWORD', '...')`, `setenv("API_TOKEN", "...")`,
// `props.put("db.password", "...")`), where a comma stands for the operator.
// A declared type may sit between the name and `=`: `apiKey: string = ...` (TypeScript, Python,
// Kotlin, Swift), `API_KEY: &str = ...` (Rust), `var apiKey string = ...` (Go), and Go writes a
// key as `[]byte("...")`. The type is followed by a space, as formatters write it: `password:
// S3Bh==` is a base64 value ending in `=`, not a type.
export const ASSIGN = `(?:\\s+[A-Za-z_][\\w.]*\\s+=|["']?\\]?\\s*(?::\\s*&?[A-Za-z_][\\w.]*(?:\\[\\])?\\s+=|:=|\\?=|=>|=|:)|["']\\s*,)\\s*(?:(?:\\[\\]byte\\(|[rbuf])?["'\`])?`;
/** The value assigned (exported for the byte matcher's tests). */
// `$` may not start it (`$DB_PASSWORD`, `${TOKEN}` are references) but may sit inside it, as in
// generated passwords and Django keys (`8$k2!zq9@x#v7m`).
// An `&` that starts the next parameter of a query string (`api_key=...&format=json`) ends it.
const VALUE_NEXT = '(?:[A-Za-z0-9+/=_\\-.~!@#%^*$]|&(?![A-Za-z_][\\w.-]*=))';
export const VALUE = `([A-Za-z0-9+/=_\\-.~!@#%^&*]${VALUE_NEXT}{7,199})(?!${VALUE_NEXT})`;

// Words that, as a part of a secret-like name, say it holds metadata about a secret rather than
// the secret (`token_url`, `secretName`, `PASSWORD_MIN_LENGTH`). A part, not a substring: `min`
// is in ADMIN_TOKEN, `ref` in REFRESH_TOKEN, `count` in ACCOUNT_KEY, `store` in KEYSTORE_PASSWORD.
const NON_SECRET_WORD =
  'hash(?:ed)?|digest|checksum|sha\\d*|md5|fingerprint|url|uri|path|route|file|name|type|length|size|prefix|suffix|header|field|param|endpoint|regex|pattern|format|version|count|env|expir[a-z]*|ttl|timeout|policy|ref|label|placeholder|hint|description|mode|scope|kind|store|provider|min|max|rule|class';
// The name split into its parts: at `_`, `-`, `.`, digits and camelCase humps, lower-cased.
const NAME_PART_BREAK = /[-_.\d]+|(?<=[a-z])(?=[A-Z])/;
// A part that is such a word, alone or right after the secret word (`tokenurl`, `passwordhash`,
// `apikeyid`), in the plural too; `id` only as the last part (`client_secret_id`, `apiKeyId`).
const NON_SECRET_PART = new RegExp(`^(?:[a-z]*(?:passw(?:or)?d|pwd|secret|token|key|credentials?|passphrase))?(?:${NON_SECRET_WORD})s?$`);
const KEY_STORE = /^(?:key|trust)stores?$/;
const KEY_STORE_WORD = /(?:key|trust)stores?/gi;
const ID_PART = /^(?:[a-z]*(?:passw(?:or)?d|pwd|secret|token|key|credentials?|passphrase))?ids?$/;

// Anti-forgery tokens (Rails' authenticity_token, csrf_token, XSRF-TOKEN) are minted per session
// and sent to every visitor in the page: not credentials.
const ANTI_FORGERY_NAME = /csrf|xsrf|authenticity/i;

function isMetadataName(name: string): boolean {
  if (ANTI_FORGERY_NAME.test(name)) return true;
  const parts = name.split(NAME_PART_BREAK).filter((p) => p !== '');
  for (let i = 0; i < parts.length; i++) {
    const part = (parts[i] as string).toLowerCase();
    // A key store's password is a secret, not the key's store.
    const joined = i > 0 ? `${(parts[i - 1] as string).toLowerCase()}${part}` : part;
    if (NON_SECRET_PART.test(part) && !KEY_STORE.test(part) && !KEY_STORE.test(joined)) return true;
    if (i === parts.length - 1 && ID_PART.test(part)) return true;
  }
  return false;
}
// The shell's working-directory variables, which a case-insensitive `pwd` would take for passwords.
const WORKING_DIRECTORY_NAME = /^(?:OLD)?PWD$/;
// A file-system path (`/Users/ana`, `~/.config/app`, `./certs/key.pem`): a place, not a secret.
const FILE_PATH = /^(?:~|\.{1,2})?\/(?:[\w.@-]+\/)+[\w.@-]*$|^(?:~|\.{1,2})\/[\w.@-]+$/;
// Nouns that, after the secret word (tokenCache, secret_handler), name something else.
const NON_SECRET_SUFFIX =
  /(?:passw(?:or)?d|pwd|secret|token|key|credentials?|passphrase)[-_.]?(?:cache|handler|service|manager|helper|factory|request|response|result|event|stream|buffer|route|items|index|options|error|retry|count|reset|policy|validator|input|field|form|store|storage|provider|generator|parser)/i;

// Generic matches start at the beginning of the name that contains the keyword.
// The name class equals the NAME suffix class, and ASSIGN starts with none of its characters, so
// a match needs the whole name run followed by ASSIGN and VALUE: `followedBy` checks just that,
// and most hits in code (`tokenUrl = await ...`, `getToken()`) stop there, before the pattern's
// walk over every way to cut the name.
// Over ASCII bytes, `literalAssignmentFollows` is the same test, and also drops the assignments
// of an unquoted call (`password = getpass.getpass(...)`), which `isCodeExpression` rejects in
// both rules' validators anyway (test/engine/fast-paths.test.ts compares the findings).
const NAME_ANCHOR = { back: '[A-Za-z0-9_.-]', max: 48, followedBy: `${ASSIGN}${VALUE}`, followedByBytes: literalAssignmentFollows };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MEMBER_EXPRESSION = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
// A dotted part that no one names a property: long, mixing cases and digits (a Discord bot
// token's `MTE4...Gx.Yw1PqZ.hT3...` has the shape of `a.b.c`).
const RANDOM_PART = /^(?=[\w$]*\d)(?=[\w$]*[a-z])(?=[\w$]*[A-Z])[\w$]{20,}$/;
const JWT_SHAPE = /^eyJ[\w-]*\.[\w-]*\.[\w-]*$/;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z_$]*$/;
const INTEGRITY = /^sha(?:1|256|384|512)-/;
// A password hash as Django (`pbkdf2_sha256$260000$salt$hash`), Werkzeug (`scrypt:32768:8:1$...`,
// `sha256$salt$hash`) and passlib store it: what a leaked password is checked against, not one.
const PASSWORD_HASH = /^(?:pbkdf2[_:]sha(?:1|256|512)|pbkdf2|argon2(?:id|i|d)?|bcrypt(?:_sha256)?|scrypt|sha(?:1|256|512)|md5|crypt)[$:]/i;
// SHA-1 / SHA-256 hex digests (commit ids, checksums) are far more often hashes than secrets.
const DIGEST = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
// Words joined by separators, with short numbers among them: request-182, my_app.v2,
// real-secret-6-levels (a test's made-up value), NorthwindTraders_Prod2024. A word is written
// in one case, capitalised or in camelCase: letters in random case (XMEBZMocpY9149) are no word.
const WORD_RUN = '(?:[A-Z]?[a-z]+(?:[A-Z][a-z]+)*|[A-Z]+)';
const WORDY = new RegExp(`^${WORD_RUN}(?:[-_.](?:${WORD_RUN}|\\d{1,6}))*[-_.]?\\d{0,6}$`);
// Lower-case words joined by slashes: a list of names (token_hex/token_urlsafe) or a route.
const SLASHED_WORDS = /^[a-z_]+(?:\/[a-z_]+)+$/;
// The next assignment of a command line or list (`password= scmVersion=`), not a value: a name
// (words, maybe a short number). Base64 keys end in `=` too, but mix digits through them.
// Constant names joined as a template writes them (`API_KEY:API_SECRET@CLOUD_NAME`): slots to fill.
const CONSTANT_NAMES = /^[A-Z][A-Z0-9]*(?:[_@:/.-][A-Z][A-Z0-9]*)*[_@:/.-](?:[A-Z][A-Z0-9]*_)+[A-Z][A-Z0-9]*$/;
const URL_SCHEME_END = /(?:^|[._-])(?:https?|wss?|ftps?)$/i;
const NEXT_ASSIGNMENT = /^[A-Za-z_][A-Za-z_.-]*\d{0,3}[=:]$/;
// Long enough to be a key (a 128-bit key is 32 hex digits), not a short example id.
const HEX_KEY = /^[0-9a-f]{32,}$/i;
const HEX_MIN_ENTROPY = 3.2;

function nameOf(ctx: RuleContext): string {
  return /^[A-Za-z0-9_.-]*/.exec(ctx.match)?.[0] ?? '';
}

/**
 * True when `value`, held by `name`, is not a secret whatever its entropy: an identifier, member
 * expression, word list, hash, UUID, integrity string or literal, a name that holds metadata about
 * a secret (`token_url`, `secret_name`), or a value that repeats its name (`token: TOKEN_NAME`).
 *
 * @example
 * ```ts
 * rejectsValue('this.config.authToken', 'token'); // true
 * ```
 */
export function rejectsValue(value: string, name: string): boolean {
  // Value shapes first: anchored tests on a short value, cheaper than the name alternations.
  if (IDENTIFIER.test(value) || WORDY.test(value) || DIGEST.test(value)) return true;
  if (MEMBER_EXPRESSION.test(value) && !value.split('.').some((part) => RANDOM_PART.test(part))) return true;
  // A JWT is the jwt rule's to judge (it drops those signed with documentation keys).
  if (JWT_SHAPE.test(value)) return true;
  if (UUID.test(value) || INTEGRITY.test(value) || FILE_PATH.test(value) || PASSWORD_HASH.test(value)) return true;
  if (SLASHED_WORDS.test(value) || CONSTANT_NAMES.test(value)) return true;
  if (NEXT_ASSIGNMENT.test(value) && !base64OfText(value)) return true;
  // Words with URL-encoded spaces (`Root%20CA%20Certificates`): a phrase, not a secret.
  if (value.includes('%20') && /^[A-Za-z]+(?:%20[A-Za-z]+)+$/.test(value)) return true;
  if (/^(?:true|false|null|none|nil|undefined)$/i.test(value)) return true;
  // `credential.https://host/.helper=` (a git config key): the name ends in a URL scheme and the
  // value is the rest of the URL.
  if (value.startsWith('//') && URL_SCHEME_END.test(name)) return true;
  // A resource path of names (`projects/acme/secrets/db-password/versions/1`) names where a
  // secret is kept, under any name; a password is not such a path.
  if (value.includes('/') && looksLikeName(value)) return true;
  if (isMetadataName(name) || WORKING_DIRECTORY_NAME.test(name)) return true;
  // KEYSTORE_PASSWORD guards a key store (its `key` + `store` is no key's store).
  if (NON_SECRET_SUFFIX.test(name.replace(KEY_STORE_WORD, ''))) return true;
  // A value that repeats its own name (token: TOKEN_NAME) is a reference, not a secret.
  return value.toLowerCase().includes(name.toLowerCase()) && name.length > 3;
}

// `${NAME:-value}`: a shell parameter expansion, read here as `NAME: -value`; its default is
// shell-default-secret's to judge, without the operator's `-`.
function inParameterExpansion(ctx: RuleContext): boolean {
  return ctx.index >= 2 && ctx.text.charCodeAt(ctx.index - 1) === 0x7b && ctx.text.charCodeAt(ctx.index - 2) === 0x24;
}

// Padded base64 of printable text (a Kubernetes value of a password): some are letters and a
// final `=` (YUJCTVJmWlRXSzduMlI=), the shape of a next assignment's name, which decodes to bytes.
function base64OfText(value: string): boolean {
  if (value.length < 8 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={1,2}$/.test(value)) return false;
  return /^[\x20-\x7e]+$/.test(Buffer.from(value, 'base64').toString('latin1'));
}

// Base64 (padded, as Kubernetes and basic-auth write it) of printable text that is a
// placeholder: `ZXhhbXBsZS1wYXNzd29yZA==` is "example-password" encoded, an example still.
function encodedPlaceholder(value: string): boolean {
  if (value.length < 12 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  const text = Buffer.from(value, 'base64').toString('latin1');
  return /^[\x20-\x7e]{6,}$/.test(text) && isPlaceholder(text);
}

function commonRejections(value: string, ctx: RuleContext): boolean {
  return (
    inParameterExpansion(ctx) ||
    rejectsValue(value, nameOf(ctx)) ||
    isCodeExpression(value, ctx) ||
    inDoctest(ctx) ||
    isListOfNames(ctx) ||
    encodedPlaceholder(value)
  );
}

const QUOTED_NAME_THEN_COMMA = /^[A-Za-z0-9_.-]*["']\s*,/;

/**
 * True when a quoted name followed by a comma is not the first argument of a call
 * (`define('DB_PASSWORD', '...')`) but an item of a list (`['users.*.password', 'apiKey']`,
 * `("password", "token")`): a list of field names, not a name and its value.
 *
 * @example
 * ```ts
 * isListOfNames({ text: "paths: ['password', 'users.*.apiKey']", index: 9, match: "password', 'users.*.apiKey", file: 'a.js' }); // true
 * ```
 */
export function isListOfNames(ctx: RuleContext): boolean {
  if (!QUOTED_NAME_THEN_COMMA.test(ctx.match)) return false;
  // Back over the opening quote and any spaces: a call's `(` must open the argument list.
  let i = ctx.index - 2;
  while (i >= 0 && (ctx.text.charCodeAt(i) === 0x20 || ctx.text.charCodeAt(i) === 0x09)) i--;
  return ctx.text.charCodeAt(i) !== 0x28;
}

/**
 * True when the match sits in a Python doctest: a `>>>` or `...` line, or the output line right
 * after a `>>>` line. Doctests are executable documentation, and their values are made up.
 *
 * @example
 * ```ts
 * inDoctest({ text: ">>> token_secret = 'qwe0892lkj'", index: 4, match: '', file: 'a.py' }); // true
 * ```
 */
export function inDoctest(ctx: RuleContext): boolean {
  const text = ctx.text;
  const { start, prevStart } = lineStarts(text, ctx.index);
  if (isPromptLine(text, start)) return true;
  if (start === 0) return false;
  return isPromptLine(text, prevStart, true);
}

function isPromptLine(text: string, at: number, promptOnly = false): boolean {
  let i = at;
  while (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09) i++;
  return text.startsWith('>>> ', i) || (!promptOnly && text.startsWith('... ', i));
}

/**
 * True when an unquoted value is code rather than a literal: a call (`token = makeToken(...)`) or
 * a C-family statement ending at `;` (`x.zToken = sqlite3DbSpanDup;`). Configuration formats
 * (.env, YAML, INI) write bare literals, but never with a `(` or `;` right after them, except a
 * connection string's `;` before its next `Name=` pair.
 *
 * @example
 * ```ts
 * isCodeExpression('fts5Tokenize2', { text: 'p->xToken = fts5Tokenize2;', index: 0, match: 'p->xToken = fts5Tokenize2', file: 'a.c' }); // true
 * ```
 */
export function isCodeExpression(value: string, ctx: RuleContext): boolean {
  const before = ctx.match.charCodeAt(ctx.match.length - value.length - 1);
  // ' " ` : a quoted string literal.
  if (before === 0x27 || before === 0x22 || before === 0x60) return false;
  const end = ctx.index + ctx.match.length;
  const after = ctx.text.charCodeAt(end);
  if (after === 0x28) return true;
  // `;` then `Name=`: the next pair of a connection string (`Password=...;Encrypt=true`), not code.
  // `;` then a quote: the last pair of a quoted connection string (`connectionString="...;Password=...;"`).
  return after === 0x3b && !/^;(?:\s*[A-Za-z][\w .-]{0,40}=|["'])/.test(ctx.text.slice(end, end + 48));
}

/**
 * True when a secret-like name names a password (judged with a lower entropy bar, more classes).
 *
 * @example
 * ```ts
 * isPasswordName('DB_PASSWD'); // true
 * ```
 */
export function isPasswordName(name: string): boolean {
  return /passw(?:or)?d|pwd|passphrase/i.test(name);
}

/**
 * The verdict on a value that passed {@link rejectsValue}: a password needs 3 bits of entropy and
 * 3 character classes, another secret 3.7 bits (3.2 for a hex key of 32 digits or more) and 2.
 *
 * @example
 * ```ts
 * gradeSecretValue('h7#Kq9!xZ2@pLm4v', 'password').valid; // true
 * ```
 */
export function gradeSecretValue(value: string, kind: 'password' | 'secret'): Validation {
  // Hex has 16 symbols: a random 32-digit key averages ~3.8 bits per character, so the bar for
  // other alphabets would drop about a quarter of real hex API keys.
  if (kind === 'password') return grade(value, 3.0, 3);
  return grade(value, HEX_KEY.test(value) ? HEX_MIN_ENTROPY : 3.7, 2);
}

function grade(value: string, minEntropy: number, minClasses: number): Validation {
  const entropy = shannonEntropy(value);
  if (entropy < minEntropy || charClasses(value) < minClasses) return { valid: false };
  const strong = entropy >= 4.3 && value.length >= 20;
  return {
    valid: true,
    confidence: strong ? 'medium' : 'low',
    details: { entropy: Math.round(entropy * 100) / 100 },
  };
}

/**
 * Generic secrets: a high-entropy value assigned to a secret-like name (password, secret, token,
 * api_key...). The grey zone: these rules require both the name and the entropy, reject
 * identifiers, member expressions, UUIDs and hashes, and never claim high confidence.
 *
 * @example
 * ```ts
 * genericRules.map((r) => r.id); // ["generic-password", "generic-secret"]
 * ```
 */
export const genericRules: Rule[] = [
  {
    id: 'generic-password',
    description: 'Password assigned in code or configuration',
    provider: 'generic',
    keywords: ['password', 'passwd', 'pwd', 'passphrase'],
    pattern: new RegExp(
      `(?<![A-Za-z0-9])([A-Za-z0-9_.-]{0,40}?(?:passw(?:or)?d|pwd|passphrase)[A-Za-z0-9_.-]{0,20}${ASSIGN}${VALUE})`,
      'gi',
    ),
    secretGroup: 2,
    severity: 'medium',
    confidence: 'low',
    anchor: NAME_ANCHOR,
    validate: (value, ctx) => (commonRejections(value, ctx) ? false : gradeSecretValue(value, 'password')),
  },
  {
    id: 'generic-secret',
    description: 'High-entropy secret assigned to a secret-like name',
    provider: 'generic',
    keywords: ['secret', 'token', 'api_key', 'apikey', 'api-key', 'access_key', 'accesskey', 'auth_key', 'private_key', 'credential'],
    pattern: new RegExp(`(?<![A-Za-z0-9])(${NAME}${ASSIGN}${VALUE})`, 'gi'),
    secretGroup: 2,
    severity: 'medium',
    confidence: 'low',
    anchor: NAME_ANCHOR,
    validate: (value, ctx) => {
      if (isPasswordName(nameOf(ctx))) return false;
      if (value.length < 16 || commonRejections(value, ctx) || looksLikeName(value)) return false;
      return gradeSecretValue(value, 'secret');
    },
  },
];
