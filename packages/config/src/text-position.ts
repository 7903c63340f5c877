/**
 * The 1-based line and column of a character position in a text, for messages that point into a config file.
 *
 * @example
 * ```ts
 * lineAndColumn('{\n  "a": 1\n}', 4); // { line: 2, column: 3 }
 * ```
 */
export function lineAndColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  return { line: before.split('\n').length, column: position - before.lastIndexOf('\n') };
}
