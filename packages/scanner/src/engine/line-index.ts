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
  for (const [offset, i] of order) {
    let nl = text.indexOf('\n', lineStart);
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
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  let end = text.indexOf('\n', offset);
  if (end === -1) end = text.length;
  const prevStart = start === 0 ? 0 : text.lastIndexOf('\n', start - 2) + 1;
  return { line: text.slice(start, Math.min(end, start + 4096)), previous: start === 0 ? '' : text.slice(prevStart, start - 1) };
}
