// The generic rules' `followedBy` test (ASSIGN then VALUE, see generic.ts) over ASCII bytes.
// It runs on every name hit that survives the walk over the name (the busiest check of the
// scan), and the bytes are there before any string is: this gives the same answer as the sticky,
// case-insensitive RegExp on the Latin-1 text of the bytes, without running it.
//
//   (?:\s+TYPE\s+=|["']?\]?\s*(?::\s*&?TYPE(?:\[\])?\s+=|:=|\?=|=>|=|:)|["']\s*,)\s*(?:(?:\[\]byte\(|[rbuf])?["'`])?
//   ([A-Za-z0-9+/=_\-.~!@#%^&*]NEXT{7,199})(?!NEXT)      (TYPE: [A-Za-z_][\w.]*,
//   NEXT: a value character other than `&`, or an `&` not followed by `[A-Za-z_][\w.-]*=`)
//
// Why a straight walk decides it: whitespace, quotes and operators are not value characters, so
// every `\s*` must take the whole run of spaces (a shorter one leaves a space where an operator,
// quote or value must start), an opening quote must be taken (the operator cannot start on it),
// and `{8,200}` followed by "not a value character" holds exactly when the whole run of value
// characters there is 8 to 200 long. What is left to try is the operator (`:=` or `:`, `=>` or
// `=`, `?=`) and the value's prefix (none, a quote, or one of r b u f and a quote).

// 1: may start and continue a value; 2: may only continue one (`$`).
const VALUE = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-.~!@#%^&*') VALUE[c.charCodeAt(0)] = 1;
VALUE[0x24] = 2;
// \w . - : the rest of a query parameter's name.
const PARAMETER = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-') PARAMETER[c.charCodeAt(0)] = 1;
const AMPERSAND = 0x26;
const SPACE = new Uint8Array(128);
// \s among ASCII characters: tab, line feed, vertical tab, form feed, carriage return, space.
for (const c of [9, 10, 11, 12, 13, 32]) SPACE[c] = 1;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const BACKTICK = 0x60;
const MIN_VALUE = 8;
const MAX_VALUE = 200;

function skipSpaces(bytes: Uint8Array, at: number): number {
  let i = at;
  while (i < bytes.length && SPACE[bytes[i] as number] === 1) i++;
  return i;
}

// `name=` at `at`: the next parameter of a query string, after an `&` that ends a value.
function startsParameter(bytes: Uint8Array, at: number): boolean {
  const first = (bytes[at] ?? 0) | 0x20;
  if (!((first >= 0x61 && first <= 0x7a) || bytes[at] === 0x5f)) return false;
  let i = at + 1;
  while (i < bytes.length && PARAMETER[bytes[i] as number] === 1) i++;
  return bytes[i] === 0x3d;
}

// The end of a whole run of 8 to 200 value characters starting at `at` (an `&` that starts the
// next `name=` parameter ends it), or -1.
function valueEnd(bytes: Uint8Array, at: number): number {
  if (VALUE[bytes[at] as number] !== 1) return -1;
  const limit = Math.min(bytes.length, at + MAX_VALUE + 1);
  let i = at + 1;
  while (i < limit && VALUE[bytes[i] as number] !== 0 && !(bytes[i] === AMPERSAND && startsParameter(bytes, i + 1))) i++;
  const run = i - at;
  // The walk stops at the first non-value character, or one past the longest value allowed.
  return run >= MIN_VALUE && run <= MAX_VALUE ? i : -1;
}

function isValueQuote(c: number | undefined): boolean {
  return c === QUOTE || c === APOSTROPHE || c === BACKTICK;
}

// r b u f in either case (the pattern is case-insensitive).
function isStringPrefix(c: number | undefined): boolean {
  const lower = (c ?? 0) | 0x20;
  return lower === 0x72 || lower === 0x62 || lower === 0x75 || lower === 0x66;
}

/** What follows a name: no assignment of a possible value (0), a call assigned (1), a literal (2). */
export type Assignment = 0 | 1 | 2;
const NONE = 0;
// An unquoted value with `(` right after it (`token = makeToken(...)`): code, not a literal.
const CALL = 1;
const LITERAL = 2;

const OPEN_PAREN = 0x28;
const COMMA = 0x2c;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACKET = 0x5b;
const BYTE_WORD = [0x62, 0x79, 0x74, 0x65];

// After the operator: spaces, then the value bare, quoted, or behind a string prefix and quote.
// Only one of the three can start there: a bare value of 8 or more starts with a value character
// followed by another (never a quote), a quoted one with a quote.
function valueAfter(bytes: Uint8Array, at: number): Assignment {
  const i = skipSpaces(bytes, at);
  const c = bytes[i];
  const bare = valueEnd(bytes, i);
  if (bare !== -1) return bytes[bare] === OPEN_PAREN ? CALL : LITERAL;
  if (isValueQuote(c)) return valueEnd(bytes, i + 1) === -1 ? NONE : LITERAL;
  if (isStringPrefix(c) && isValueQuote(bytes[i + 1]) && valueEnd(bytes, i + 2) !== -1) return LITERAL;
  // Go's `[]byte("...")` (a `[` starts no bare value).
  return isByteSliceCall(bytes, i) && isValueQuote(bytes[i + 7]) && valueEnd(bytes, i + 8) !== -1 ? LITERAL : NONE;
}

// `[]byte(` in any case at `i`.
function isByteSliceCall(bytes: Uint8Array, i: number): boolean {
  if (bytes[i] !== OPEN_BRACKET || bytes[i + 1] !== CLOSE_BRACKET || bytes[i + 6] !== OPEN_PAREN) return false;
  for (let k = 0; k < 4; k++) if (((bytes[i + 2 + k] as number) | 0x20) !== BYTE_WORD[k]) return false;
  return true;
}

function isIdentStart(c: number | undefined): boolean {
  const lower = (c ?? 0) | 0x20;
  return (lower >= 0x61 && lower <= 0x7a) || c === 0x5f;
}

function isIdentPart(c: number | undefined): boolean {
  return isIdentStart(c) || (c !== undefined && c >= 0x30 && c <= 0x39) || c === 0x2e;
}

// A type, spaces, then `=`, from `at`: `&str =`, `string =`, `String[] =` (after `:`) or
// `string =` (Go, after a space). Where the value may start (after the `=`), or -1.
function afterType(bytes: Uint8Array, at: number, annotation: boolean): number {
  let i = at;
  if (annotation && bytes[i] === 0x26) i++;
  if (!isIdentStart(bytes[i])) return -1;
  i++;
  while (i < bytes.length && isIdentPart(bytes[i])) i++;
  if (annotation && bytes[i] === OPEN_BRACKET && bytes[i + 1] === CLOSE_BRACKET) i += 2;
  // At least one space before the `=`.
  const eq = skipSpaces(bytes, i);
  return eq > i && bytes[eq] === 0x3d ? eq + 1 : -1;
}

// Two readings of the operator (`:` or `:=`, `=` or `=>`, the longer one when `second` is the
// rest of it): the one that could be a finding.
function either(bytes: Uint8Array, i: number, second: boolean): Assignment {
  const a = valueAfter(bytes, i + 1);
  if (a === LITERAL || !second) return a;
  const b = valueAfter(bytes, i + 2);
  return Math.max(a, b) as Assignment;
}

/**
 * What follows a name at `at` of ASCII `bytes`: 0 exactly when the generic rules' `followedBy`
 * RegExp fails there; else 1 when every way the RegExp can match assigns an unquoted value
 * directly followed by `(` (the generic rules' `isCodeExpression` rejects each such match), 2
 * otherwise.
 *
 * @example
 * ```ts
 * assignmentAt(Buffer.from('token = makeToken(1)'), 5); // 1
 * ```
 */
export function assignmentAt(bytes: Uint8Array, at: number): Assignment {
  let i = at;
  const first = bytes[i];
  if (first === QUOTE || first === APOSTROPHE) {
    i++;
    // `'NAME', value`: a quoted name passed to a call with its value. After the quote a comma
    // and an operator exclude each other, so at most one of the two readings applies.
    const comma = skipSpaces(bytes, i);
    if (bytes[comma] === COMMA) return valueAfter(bytes, comma + 1);
  }
  // `NAME"] = value`: a subscript.
  if (bytes[i] === CLOSE_BRACKET) i++;
  const spaced = skipSpaces(bytes, i);
  // Go's `name TYPE = value`: a type after at least one space, right after the (unquoted) name.
  let typed: Assignment = NONE;
  if (i === at && spaced > i) {
    const value = afterType(bytes, spaced, false);
    if (value !== -1) typed = valueAfter(bytes, value);
  }
  i = spaced;
  const op = bytes[i];
  const next = bytes[i + 1];
  if (op === 0x3a) {
    // `:` or `:=`, or a type annotation `: TYPE =` (TypeScript, Python, Rust, Kotlin, Swift).
    const value = afterType(bytes, skipSpaces(bytes, i + 1), true);
    const annotated = value === -1 ? NONE : valueAfter(bytes, value);
    return Math.max(typed, annotated, either(bytes, i, next === 0x3d)) as Assignment;
  }
  if (op === 0x3d) return Math.max(typed, either(bytes, i, next === 0x3e)) as Assignment; // `=` or `=>`
  if (op === 0x3f && next === 0x3d) return Math.max(typed, valueAfter(bytes, i + 2)) as Assignment; // `?=`
  return typed;
}

/**
 * Whether an assignment of a possible secret value starts at `at` of ASCII `bytes`: the generic
 * rules' `followedBy` RegExp as a walk (exactly its answer on ASCII text).
 *
 * @example
 * ```ts
 * assignmentFollows(Buffer.from('token = "s3cr3tVa1ue"'), 5); // true
 * assignmentFollows(Buffer.from('tokenUrl = await x()'), 8); // false
 * ```
 */
export function assignmentFollows(bytes: Uint8Array, at: number): boolean {
  return assignmentAt(bytes, at) !== NONE;
}

/**
 * The generic rules' byte test: an assignment follows and it is not an unquoted call, which the
 * rules would reject after running their pattern (`password = getpass.getpass(...)`,
 * `token = os.environ.get(...)`): the same findings, without the pattern run.
 *
 * @example
 * ```ts
 * literalAssignmentFollows(Buffer.from('token = makeToken(1)'), 5); // false
 * ```
 */
export function literalAssignmentFollows(bytes: Uint8Array, at: number): boolean {
  return assignmentAt(bytes, at) === LITERAL;
}
