/**
 * Maps text offsets to 1-based line and column numbers. Offsets are resolved in one forward pass,
 * so the newline scan is done once however many findings a text has.
 *
 * @example
 * ```ts
 * locateOffsets('a\nbc', [3]); // [{ line: 2, column: 2 }]
 * ```
 */
export function locateOffsets(text: string, offsets: readonly number[]): { line: number; column: number }[] {
  const order = offsets.map((o, i) => [o, i] as const).sort((a, b) => a[0] - b[0]);
  const out: { line: number; column: number }[] = new Array(offsets.length);
  let line = 1;
  let lineStart = 0;
  // The first newline from lineStart on, kept between offsets (looked up again per offset, it was
  // a search to the end of a long line each time).
  let nl = text.indexOf('\n');
  for (const [offset, i] of order) {
    while (nl !== -1 && nl < offset) {
      line++;
      lineStart = nl + 1;
      nl = text.indexOf('\n', lineStart);
    }
    out[i] = { line, column: offset - lineStart + 1 };
  }
  return out;
}

/**
 * The text of the line containing `offset` and of the line before it (for inline allow comments).
 *
 * @example
 * ```ts
 * linesAround('a\nb', 2); // { line: 'b', previous: 'a' }
 * ```
 */
export function linesAround(text: string, offset: number): { line: string; previous: string } {
  const { start, prevStart } = lineStarts(text, offset);
  // At most 4096 characters of the line are kept: its end is looked for only that far.
  const cap = Math.min(text.length, start + 4096);
  const nl = offset < cap ? text.slice(offset, cap).indexOf('\n') : -1;
  const end = nl === -1 ? cap : offset + nl;
  return { line: text.slice(start, end), previous: start === 0 ? '' : text.slice(prevStart, start - 1) };
}

// The newlines last seen before `at` in `text` (-1: none): queries at increasing offsets of one
// text (the candidates of a rule, in order) search only what lies between two of them, where
// lastIndexOf went back to the line start each time: quadratic on a long minified line. It keeps
// the last text asked about (one per thread) until another is.
const seen = { text: '', at: -1, last: -1, before: -1 };

/**
 * Where the line holding `offset` starts, and the line before it (0 for the first line): exactly
 * `lastIndexOf('\n', offset - 1) + 1` and, from that `start`, `lastIndexOf('\n', start - 2) + 1`.
 * Calls at increasing offsets of one text search each part of it once.
 *
 * @example
 * ```ts
 * lineStarts('a\nb\nc', 4); // { start: 4, prevStart: 2 }
 * ```
 */
export function lineStarts(text: string, offset: number): { start: number; prevStart: number } {
  const at = Math.max(offset - 1, 0);
  if (seen.text !== text || at < seen.at) {
    seen.text = text;
    seen.at = at;
    seen.last = text.lastIndexOf('\n', at);
    seen.before = seen.last <= 0 ? -1 : text.lastIndexOf('\n', seen.last - 1);
  } else {
    for (let k = at; k > seen.at; k--) {
      if (text.charCodeAt(k) !== 0x0a) continue;
      let before = -1;
      for (let j = k - 1; j > seen.at; j--) {
        if (text.charCodeAt(j) === 0x0a) {
          before = j;
          break;
        }
      }
      seen.before = before !== -1 ? before : seen.last;
      seen.last = k;
      break;
    }
    seen.at = at;
  }
  const start = seen.last + 1;
  // lastIndexOf('\n', start - 2) looks at index 0 when start is 1: the newline there.
  const prevStart = start === 0 ? 0 : start === 1 ? 1 : seen.before + 1;
  return { start, prevStart };
}
