/** The longest reason an action or verdict takes (API and CLI alike). */
export const MAX_REASON_LENGTH = 500;

// Control characters (NUL, escapes that repaint a terminal) and the bidirectional overrides and
// isolates that make the audit log read in another order than it was written (U+202A-202E,
// U+2066-2069), plus the zero-width marks that hide text.
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

/**
 * Why `text` is not an acceptable reason (recorded with who and what in the audit log), or
 * undefined when it is: it must say something, fit in {@link MAX_REASON_LENGTH} characters, and
 * hold no control or text-direction characters, which could make the log read differently from
 * what was recorded.
 *
 * @example
 * ```ts
 * reasonProblem('confirmed with alice'); // undefined
 * reasonProblem('ok\u202Edesrever'); // 'contains a control or text-direction character (U+202E)'
 * ```
 */
export function reasonProblem(text: string): string | undefined {
  if (text.trim().length === 0) return 'is empty';
  if (text.length > MAX_REASON_LENGTH) return `is longer than ${MAX_REASON_LENGTH} characters (${text.length})`;
  const bad = UNPRINTABLE.exec(text)?.[0];
  if (bad !== undefined)
    return `contains a control or text-direction character (U+${(bad.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`;
  return undefined;
}
