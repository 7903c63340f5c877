// The generic rules' `followedBy` test (ASSIGN then VALUE, see generic.ts) over ASCII bytes.
// It runs on every name hit that survives the walk over the name (the busiest check of the
// scan), and the bytes are there before any string is: this gives the same answer as the sticky,
// case-insensitive RegExp on the Latin-1 text of the bytes, without running it.
//
//   ["']?\s*(?::=|\?=|=>|=|:)\s*(?:[rbuf]?["'`])?([A-Za-z0-9+/=_\-.~!@#%^&*][...$]{7,199})(?![...$])
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

// A whole run of 8 to 200 value characters starts at `at`.
function valueAt(bytes: Uint8Array, at: number): boolean {
  if (VALUE[bytes[at] as number] !== 1) return false;
  const limit = Math.min(bytes.length, at + MAX_VALUE + 1);
  let i = at + 1;
  while (i < limit && VALUE[bytes[i] as number] !== 0) i++;
  const run = i - at;
  // The walk stops at the first non-value character, or one past the longest value allowed.
  return run >= MIN_VALUE && run <= MAX_VALUE;
}

function isValueQuote(c: number | undefined): boolean {
  return c === QUOTE || c === APOSTROPHE || c === BACKTICK;
}

// r b u f in either case (the pattern is case-insensitive).
function isStringPrefix(c: number | undefined): boolean {
  const lower = (c ?? 0) | 0x20;
  return lower === 0x72 || lower === 0x62 || lower === 0x75 || lower === 0x66;
}

// After the operator: spaces, then the value bare, quoted, or behind a string prefix and quote.
function valueAfter(bytes: Uint8Array, at: number): boolean {
  const i = skipSpaces(bytes, at);
  const c = bytes[i];
  if (valueAt(bytes, i)) return true;
  if (isValueQuote(c)) return valueAt(bytes, i + 1);
  return isStringPrefix(c) && isValueQuote(bytes[i + 1]) && valueAt(bytes, i + 2);
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
  let i = at;
  const first = bytes[i];
  if (first === QUOTE || first === APOSTROPHE) i++;
  i = skipSpaces(bytes, i);
  const op = bytes[i];
  const next = bytes[i + 1];
  if (op === 0x3a) return valueAfter(bytes, i + 1) || (next === 0x3d && valueAfter(bytes, i + 2)); // `:` or `:=`
  if (op === 0x3d) return valueAfter(bytes, i + 1) || (next === 0x3e && valueAfter(bytes, i + 2)); // `=` or `=>`
  if (op === 0x3f) return next === 0x3d && valueAfter(bytes, i + 2); // `?=`
  return false;
}
