// File names, archive member names, git authors and rule details come from the scanned content,
// which may be hostile: an untrusted repo can name a file `ev\e[31mRED\e]0;pwned\a\nline2.txt`.
// Printed raw, such a name recolours, retitles or erases the terminal, or forges lines of the
// report. Human output shows these characters as visible escapes instead.

// C0 controls and DEL, C1 controls, and the Unicode bidirectional overrides and isolates (which
// reorder what is shown: a "Trojan Source" name can display as another file's).
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

function escapeChar(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Text from scanned content made safe to print on a terminal: control characters (ESC, BEL,
 * newlines, C1) and bidirectional overrides are shown as visible escapes (`\e`, `\x07`, `\n`,
 * `\u202e`), so a hostile file name can neither run terminal sequences nor forge report lines.
 * A backslash is left alone: the escapes are for reading, not for parsing back.
 *
 * @example
 * ```ts
 * terminalSafe('ev\x1b[31mRED\nline2.txt'); // 'ev\\e[31mRED\\nline2.txt'
 * ```
 */
export function terminalSafe(text: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text) ? text.replace(UNSAFE, escapeChar) : text;
}
