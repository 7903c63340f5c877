import type { RawFinding } from '../types.js';
import { kubernetesSecretEntries } from './kubernetes-secret.js';
import { locateOffsets } from './line-index.js';

type Rescan = (decoded: string) => { findings: RawFinding[]; warnings: string[] };

const MIN_BLOB = 40;
// Lockfile integrity hashes (`sha512-...`): binary digests, never a hidden secret.
const INTEGRITY_PREFIX = /^sha(?:1|256|384|512)-/;

// Characters of standard and URL-safe base64 (A-Z a-z 0-9 + / _ -).
const BASE64_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-') BASE64_CHAR[c.charCodeAt(0)] = 1;

function isBase64Char(code: number): boolean {
  return code < 128 && BASE64_CHAR[code] === 1;
}

/**
 * Calls `onBlob` for every maximal run of at least 40 base64 characters (plus up to two `=`),
 * the same blobs as `/(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{40,}={0,2}/g`, in one linear pass that
 * skips ahead 40 characters whenever the probe 39 characters on is not a base64 character (no
 * run of 40 can then start in between), and past the run start's 40th character when that one is
 * not. The regex was as costly as the keyword prefilter on the
 * bench tree. Stops when `onBlob` returns false.
 *
 * @example
 * ```ts
 * forEachBase64Run(text, (start, end) => { blobs.push(text.slice(start, end)); return true; });
 * ```
 */
export function forEachBase64Run(text: string, onBlob: (start: number, end: number) => boolean): void {
  const n = text.length;
  // Invariant: the character before `i` (if any) is not a base64 character.
  let i = 0;
  while (i + MIN_BLOB <= n) {
    const probe = i + MIN_BLOB - 1;
    if (!isBase64Char(text.charCodeAt(probe))) {
      i = probe + 1;
      continue;
    }
    let start = probe;
    while (start > i && isBase64Char(text.charCodeAt(start - 1))) start--;
    // A run from `start` must reach `start + 39`: test that end first, and skip past it when it
    // is not a base64 character (an identifier cut by punctuation), instead of walking to it.
    const far = start + MIN_BLOB - 1;
    if (far >= n) return;
    if (!isBase64Char(text.charCodeAt(far))) {
      i = far + 1;
      continue;
    }
    let end = probe + 1;
    while (end < n && isBase64Char(text.charCodeAt(end))) end++;
    if (end - start >= MIN_BLOB) {
      let stop = end;
      while (stop < n && stop - end < 2 && text.charCodeAt(stop) === 0x3d) stop++;
      if (!onBlob(start, stop)) return;
      // After the run comes a non-base64 character or an `=`: either keeps the invariant.
      i = stop === end ? end + 1 : stop;
    } else {
      i = end + 1;
    }
  }
}
/**
 * The same runs as {@link forEachBase64Run} (flattened as start, end pairs) from the 16-byte blocks
 * of base64 characters the byte pass found: a run of 40 holds at least one whole block, so each
 * run is grown from a block, backwards and forwards. Blocks inside a run already grown are skipped.
 *
 * @example
 * ```ts
 * base64RunsFromBlocks(bytes, [48, 64]); // [40, 90]: one run holding both blocks
 * ```
 */
export function base64RunsFromBlocks(bytes: Uint8Array, offsets: readonly number[]): number[] {
  const runs: number[] = [];
  const n = bytes.length;
  let grown = 0; // end of the last run grown, long enough or not
  for (let k = 0; k < offsets.length; k++) {
    const block = offsets[k] as number;
    if (block < grown || block >= n) continue;
    let start = block;
    while (start > 0 && isBase64Char(bytes[start - 1] as number)) start--;
    // Whole blocks that follow are base64 already: walk only past the last of them.
    while (k + 1 < offsets.length && offsets[k + 1] === (offsets[k] as number) + 16) k++;
    let end = Math.min(n, (offsets[k] as number) + 16);
    while (end < n && isBase64Char(bytes[end] as number)) end++;
    grown = end;
    if (end - start < MIN_BLOB) continue;
    let stop = end;
    while (stop < n && stop - end < 2 && bytes[stop] === 0x3d) stop++;
    runs.push(start, stop);
  }
  return runs;
}

/**
 * True when ASCII `bytes` may hold an encoded blob worth decoding: a `%` (URL encoding) or a run
 * of at least 40 base64 characters, found with the same skip-40 probe as the blob finder. Lets
 * a file without keywords skip being turned into a string at all.
 *
 * @example
 * ```ts
 * mayHoldEncoded(Buffer.from('plain text')); // false
 * ```
 */
export function mayHoldEncoded(bytes: Uint8Array): boolean {
  if (bytes.includes(0x25)) return true;
  const n = bytes.length;
  let i = 0;
  while (i + MIN_BLOB <= n) {
    const probe = i + MIN_BLOB - 1;
    if (!isBase64Char(bytes[probe] as number)) {
      i = probe + 1;
      continue;
    }
    let start = probe;
    while (start > i && isBase64Char(bytes[start - 1] as number)) start--;
    let end = probe + 1;
    while (end < n && end - start < MIN_BLOB && isBase64Char(bytes[end] as number)) end++;
    if (end - start >= MIN_BLOB) return true;
    i = end + 1;
  }
  return false;
}
const MAX_BLOB = 1 << 20;
const MAX_BLOBS_PER_TEXT = 5000;

function mostlyPrintable(s: string): boolean {
  if (s.length < 16) return false;
  let printable = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d || c === 0x09) printable++;
  }
  return printable / s.length >= 0.95;
}

// Mixed-case letters: long identifiers and hex digests are not base64 payloads. Read in place, so
// the common hex digest (a git SHA, a lockfile hash) is dropped before any slice is made.
function hasBothCases(text: string, start: number, end: number): boolean {
  let lower = false;
  let upper = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) lower = true;
    else if (c >= 0x41 && c <= 0x5a) upper = true;
    if (lower && upper) return true;
  }
  return false;
}

function decodeBase64Blob(blob: string): string | undefined {
  if (blob.length > MAX_BLOB) return undefined;
  const normalised = blob.replace(/-/g, '+').replace(/_/g, '/');
  const decoded = Buffer.from(normalised, 'base64').toString('latin1');
  return mostlyPrintable(decoded) ? Buffer.from(decoded, 'latin1').toString('utf8') : undefined;
}

function urlEncodedRuns(text: string): { index: number; raw: string }[] {
  const out: { index: number; raw: string }[] = [];
  const escapes = /%[0-9A-Fa-f]{2}/g;
  let lastEnd = -1;
  for (let m = escapes.exec(text); m !== null; m = escapes.exec(text)) {
    if (m.index < lastEnd) continue;
    let start = m.index;
    while (start > 0 && !/[\s"'<>`]/.test(text[start - 1] as string)) start--;
    let end = m.index;
    while (end < text.length && !/[\s"'<>`]/.test(text[end] as string)) end++;
    lastEnd = end;
    escapes.lastIndex = end;
    if (end - start <= MAX_BLOB) out.push({ index: start, raw: text.slice(start, end) });
    if (out.length >= MAX_BLOBS_PER_TEXT) break;
  }
  return out;
}

function isLineBreak(code: number): boolean {
  return code === 0x0a || code === 0x0d;
}

/**
 * A base64 blob wrapped at a fixed width (the `base64` tool and MIME at 76 columns, PEM at 64, a
 * YAML block indented under its key): when the run from `start` to `end` fills its line (after
 * indentation only) at a width that is a multiple of 4, the lines below with the same indentation
 * are joined to it while they are as wide, up to a last one no wider (or padded). Returns the
 * joined blob and where it ends, or undefined when the run is not wrapped. Scanned one line at a
 * time, a wrapped blob decoded to a cut secret (`tw_k_B8…`, 31 characters).
 *
 * @example
 * ```ts
 * wrappedBlob(text, 0, 76); // { blob: '<line 1><line 2>...', end: 230 }
 * ```
 */
export function wrappedBlob(text: string, start: number, end: number): { blob: string; end: number } | undefined {
  const width = end - start;
  if (width % 4 !== 0 || end >= text.length || !isLineBreak(text.charCodeAt(end))) return undefined;
  let lineStart = start;
  while (lineStart > 0 && (text.charCodeAt(lineStart - 1) === 0x20 || text.charCodeAt(lineStart - 1) === 0x09)) lineStart--;
  if (lineStart > 0 && text.charCodeAt(lineStart - 1) !== 0x0a) return undefined;
  const indent = text.slice(lineStart, start);
  const parts = [text.slice(start, end)];
  let at = end;
  let length = width;
  for (;;) {
    let next = at;
    if (text.charCodeAt(next) === 0x0d) next++;
    if (text.charCodeAt(next) !== 0x0a) break;
    next++;
    if (!text.startsWith(indent, next)) break;
    const from = next + indent.length;
    let to = from;
    while (to < text.length && isBase64Char(text.charCodeAt(to))) to++;
    let stop = to;
    while (stop < text.length && stop - to < 2 && text.charCodeAt(stop) === 0x3d) stop++;
    if (to === from || stop - from > width || (stop < text.length && !isLineBreak(text.charCodeAt(stop)))) break;
    length += stop - from;
    if (length > MAX_BLOB) return undefined;
    parts.push(text.slice(from, stop));
    at = stop;
    if (stop - from < width || stop > to) break; // the last line: shorter, or padded
  }
  return parts.length === 1 ? undefined : { blob: parts.join(''), end: at };
}

/**
 * Finds base64 and URL-encoded blobs in a text, decodes those that decode to mostly printable
 * text, and rescans the decoded text. Findings are reported at the blob's outer location with
 * `encoding` set, so a secret hidden in an encoded config is located in the real file.
 * `base64Runs` (start, end pairs, as {@link forEachBase64Run} finds them) skips looking for them.
 *
 * @example
 * ```ts
 * decodedFindings(text, (d) => scanText(d, compiled, { file, depth: 1 }));
 * ```
 */
export function decodedFindings(
  text: string,
  rescan: Rescan,
  base64Runs?: readonly number[],
): { findings: RawFinding[]; warnings: string[] } {
  const blobs: { index: number; decoded: string; encoding: 'base64' | 'url' }[] = [];
  let joinedUntil = 0; // the end of the last wrapped blob: the runs of its lines are in it
  const onBlob = (start: number, end: number): boolean => {
    if (start < joinedUntil || end - start > MAX_BLOB || !hasBothCases(text, start, end)) return true;
    const wrapped = wrappedBlob(text, start, end);
    if (wrapped) joinedUntil = wrapped.end;
    const blob = wrapped ? wrapped.blob : text.slice(start, end);
    if (INTEGRITY_PREFIX.test(blob)) return true;
    const decoded = decodeBase64Blob(blob);
    if (decoded !== undefined) blobs.push({ index: start, decoded, encoding: 'base64' });
    return blobs.length < MAX_BLOBS_PER_TEXT;
  };
  if (base64Runs === undefined) forEachBase64Run(text, onBlob);
  else for (let k = 0; k < base64Runs.length && onBlob(base64Runs[k] as number, base64Runs[k + 1] as number); k += 2);
  if (text.includes('%')) {
    for (const run of urlEncodedRuns(text)) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(run.raw);
      } catch {
        continue;
      }
      if (decoded !== run.raw) blobs.push({ index: run.index, decoded, encoding: 'url' });
    }
  }
  for (const entry of kubernetesSecretEntries(text)) blobs.push({ index: entry.index, decoded: entry.decoded, encoding: 'base64' });
  if (blobs.length === 0) return { findings: [], warnings: [] };
  const positions = locateOffsets(
    text,
    blobs.map((b) => b.index),
  );
  const findings: RawFinding[] = [];
  const warnings: string[] = [];
  blobs.forEach((blob, k) => {
    const inner = rescan(blob.decoded);
    warnings.push(...inner.warnings);
    const pos = positions[k] as { line: number; column: number };
    for (const f of inner.findings) {
      findings.push({ ...f, line: pos.line, column: pos.column, encoding: blob.encoding });
    }
  });
  return { findings, warnings };
}
