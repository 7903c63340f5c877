import { looksLikeName } from '../text/name-like.js';
import { isPlaceholder } from '../text/placeholders.js';
import type { Rule, Validation } from '../types.js';
import { gradeSecretValue, isPasswordName, rejectsValue } from './generic.js';

// The same secret-like names as the assignment rules (generic.ts), for the forms that do not use
// an assignment operator: XML elements, key/value attribute pairs, Dockerfile ENV/ARG.
const NAME =
  '[A-Za-z0-9_.-]{0,40}?(?:passw(?:or)?d|pwd|secret|token|api[_.-]?key|apikey|access[_.-]?key|auth[_.-]?key|private[_.-]?key|client[_.-]?secret|credentials?|passphrase)[A-Za-z0-9_.-]{0,20}';
// A value: no spaces, quotes or markup, 8 to 200 characters.
const VALUE = '([^\\s"\'<>`]{8,200})';

// Each form has a keyword of its own, rarer than the secret words (token, key, secret), which hit
// every few lines of code: a rule that ran on every such hit would cost the scan a quarter more.
// The opening tag ends with the name: `password>` (any case).
const ELEMENT_KEYWORDS = [
  'password>',
  'passwd>',
  'pwd>',
  'passphrase>',
  'secret>',
  'token>',
  'apikey>',
  'api_key>',
  'api-key>',
  'accesskey>',
  'access_key>',
  'authkey>',
  'auth_key>',
  'privatekey>',
  'private_key>',
  'credential>',
  'credentials>',
];

/**
 * Judges `value` held by the secret-like `name` as the assignment rules judge `name = value`:
 * identifiers, hashes and metadata names are rejected, a password needs less entropy than
 * another secret, which must be at least 16 characters.
 *
 * @example
 * ```ts
 * judged('API_TOKEN', 'this.config.token').valid; // false (a member expression)
 * judged('TOKEN_URL', 'https://auth.acme.io/token').valid; // false (names a place)
 * ```
 */
export function judged(name: string, value: string): Validation {
  if (rejectsValue(value, name)) return { valid: false };
  if (isPasswordName(name)) return gradeSecretValue(value, 'password');
  return value.length < 16 || looksLikeName(value) ? { valid: false } : gradeSecretValue(value, 'secret');
}

// A value whose place (a command-line flag, a header) says it is a password.
function judgedPassword(value: string): Validation {
  return rejectsValue(value, '') ? { valid: false } : gradeSecretValue(value, 'password');
}

/**
 * Secrets held by a secret-like name without an assignment operator: an XML element
 * (`<password>...</password>` in Maven's settings.xml), a key/value attribute pair
 * (`<add key="ApiKey" value="..."/>` in .NET configs), a Dockerfile `ENV NAME value`, and HTTP
 * basic credentials on a curl command line (`curl -u user:password`), an `sshpass -p` password. Judged like the assignment
 * rules: placeholders, identifiers, hashes and low-entropy values are not reported.
 *
 * @example
 * ```ts
 * genericFormRules.map((r) => r.id); // ['generic-xml-secret', 'generic-key-value-secret', ...]
 * ```
 */
export const genericFormRules: Rule[] = [
  {
    id: 'generic-xml-secret',
    description: 'Secret in an XML element named like a secret',
    provider: 'generic',
    keywords: ELEMENT_KEYWORDS,
    pattern: new RegExp(`<(${NAME})>\\s*${VALUE}\\s*</\\1>`, 'gi'),
    secretGroup: 2,
    severity: 'medium',
    confidence: 'low',
    window: { before: 64, after: 8 },
    // `Map<string, Token>` in typed code ends a tag name too; only a closing tag makes an element.
    mustContain: '</',
    validate: (value, ctx) => judged(/^<([^>]*)>/.exec(ctx.match)?.[1] ?? '', value),
  },
  {
    id: 'generic-key-value-secret',
    description: 'Secret in a key/value attribute pair named like a secret',
    provider: 'generic',
    // The middle of the pair, after the quoted key.
    keywords: ['" value=', "' value="],
    pattern: new RegExp(`\\b(?:key|name)\\s*=\\s*["'](${NAME})["']\\s+value\\s*=\\s*["']${VALUE}["']`, 'gi'),
    secretGroup: 2,
    severity: 'medium',
    confidence: 'low',
    window: { before: 80, after: 8 },
    validate: (value, ctx) => judged(/["']([^"']*)["']/.exec(ctx.match)?.[1] ?? '', value),
  },
  {
    // Environment lists that name a variable and give its value apart: Kubernetes `env:`
    // (`- name: DB_PASSWORD` / `value: ...`), ECS task definitions and API payloads
    // (`{"name": "API_KEY", "value": "..."}`).
    id: 'generic-name-value-secret',
    description: 'Secret in a name/value pair (Kubernetes env, ECS task definition) named like a secret',
    provider: 'generic',
    keywords: ['"value"', 'value:'],
    startsWith: 'name',
    pattern: new RegExp(
      `(?<![A-Za-z0-9_-])name["']?[ \\t]*:[ \\t]*["']?(${NAME})["']?[ \\t]*,?\\s{0,40}["']?value["']?[ \\t]*:[ \\t]*["']?${VALUE}`,
      'gi',
    ),
    secretGroup: 2,
    severity: 'medium',
    confidence: 'low',
    window: { before: 120, after: 0 },
    validate: (value, ctx) => judged(/name["']?[ \t]*:[ \t]*["']?([A-Za-z0-9_.-]+)/i.exec(ctx.match)?.[1] ?? '', value),
  },
  {
    id: 'terraform-variable-default-secret',
    description: 'Secret as the default of a Terraform variable named like a secret',
    provider: 'terraform',
    keywords: ['variable "'],
    pattern: new RegExp(`variable[ \\t]+"(${NAME})"[ \\t]*\\{[^}]{0,300}?\\bdefault[ \\t]*=[ \\t]*"${VALUE}"`, 'gi'),
    secretGroup: 2,
    severity: 'medium',
    confidence: 'low',
    window: { before: 0, after: 8 },
    validate: (value, ctx) => judged(/"([^"]*)"/.exec(ctx.match)?.[1] ?? '', value),
  },
  {
    id: 'powershell-plaintext-secure-string',
    description: 'Password in plain text made into a SecureString (PowerShell ConvertTo-SecureString -AsPlainText)',
    provider: 'generic',
    keywords: ['asplaintext'],
    pattern: /ConvertTo-SecureString[ \t]+(?:-String[ \t]+)?["']([^"'\s$]{6,128})["'][ \t]+-AsPlainText/gi,
    severity: 'high',
    confidence: 'low',
    window: { before: 200, after: 0 },
    validate: judgedPassword,
  },
  {
    id: 'dockerfile-env-secret',
    description: 'Secret baked into an image by a Dockerfile ENV or ARG',
    provider: 'docker',
    // Dockerfile instructions as written, in upper case.
    keywords: ['ENV ', 'ARG '],
    keywordsCaseSensitive: true,
    pattern: new RegExp(`^[ \\t]*(?:ENV|ARG)[ \\t]+(${NAME})[ \\t]+["']?${VALUE}`, 'gim'),
    secretGroup: 2,
    severity: 'high',
    confidence: 'low',
    window: { before: 8, after: 8 },
    validate: (value, ctx) => judged(/^\s*\S+\s+(\S+)/.exec(ctx.match)?.[1] ?? '', value),
  },
  {
    id: 'curl-basic-auth',
    description: 'HTTP basic credentials on a curl command line',
    provider: 'generic',
    keywords: ['curl'],
    pattern: /\bcurl\b[^\n]{0,300}?\s(?:-u|--user)[ \t]*=?[ \t]*["']?([^\s:"'$]{1,64}):([^\s"'$]{6,128})/g,
    secretGroup: 2,
    severity: 'high',
    confidence: 'low',
    window: { before: 0, after: 400 },
    validate: judgedPassword,
  },
  {
    id: 'sshpass-password',
    description: 'SSH password on an sshpass command line',
    provider: 'generic',
    keywords: ['sshpass'],
    pattern: /\bsshpass\b[ \t]+(?:-[A-Za-oq-z]\S*[ \t]+)*-p[ \t]*["']?([^\s"'$]{6,128})/g,
    severity: 'high',
    confidence: 'low',
    window: { before: 0, after: 200 },
    validate: judgedPassword,
  },
  {
    id: 'bearer-token',
    description: 'Bearer token written out (an Authorization header in a command, a HAR file, a log)',
    provider: 'generic',
    keywords: ['bearer '],
    // Its long window spans most of a file where `Bearer ${...}` headers are common: the pattern
    // is tried where `bearer` occurs instead of at every position of it.
    startsWith: 'bearer',
    // RFC 6750 §2.1 b64token after the scheme; provider formats and JWTs are reported by their
    // own rules first, this one catches opaque tokens.
    pattern: /\bBearer[ \t]+([A-Za-z0-9._~+/-]{20,2048}=*)(?![A-Za-z0-9._~+/=-])/gi,
    severity: 'high',
    confidence: 'low',
    window: { before: 0, after: 2100 },
    validate: (value) => {
      // A JWT is the jwt rule's to judge (an unsigned or expired one is not a finding here either).
      if (/^eyJ[\w-]*\.[\w-]*\./.test(value)) return { valid: false };
      // Judged as an unnamed assigned secret (values here are at least 20 characters).
      return judged('', value);
    },
  },
  {
    id: 'basic-auth-header',
    description: 'HTTP Basic credentials written out (an Authorization: Basic header)',
    provider: 'generic',
    keywords: ['basic '],
    startsWith: 'basic',
    pattern: /\bBasic[ \t]+([A-Za-z0-9+/]{8,684}={0,2})(?![A-Za-z0-9+/=])/gi,
    severity: 'high',
    confidence: 'medium',
    window: { before: 0, after: 700 },
    // RFC 7617: base64 of "user-id:password"; the password is what is judged.
    validate: (value) => {
      const decoded = Buffer.from(value, 'base64').toString('latin1');
      const colon = decoded.indexOf(':');
      if (colon < 1 || !/^[\x20-\x7e]+$/.test(decoded)) return { valid: false };
      const password = decoded.slice(colon + 1);
      if (password.length < 6 || isPlaceholder(password)) return { valid: false };
      const graded = judgedPassword(password);
      return graded.valid ? { ...graded, details: { user: decoded.slice(0, Math.min(colon, 64)) } } : graded;
    },
  },
  {
    id: 'mysql-cli-password',
    description: 'Password on a MySQL / MariaDB command line (-pSECRET, in scripts and shell history)',
    provider: 'generic',
    keywords: ['mysql', 'mariadb'],
    // -p glued to its value is the password (-p alone prompts; -P is the port).
    pattern:
      /\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mariadb|mariadb-dump)\b[^\n;|&]{0,200}?\s-p(["']?)([^\s"'$-][^\s"']{3,127})\1(?=\s|$)/g,
    secretGroup: 2,
    severity: 'high',
    confidence: 'low',
    window: { before: 0, after: 400 },
    validate: judgedPassword,
  },
];
