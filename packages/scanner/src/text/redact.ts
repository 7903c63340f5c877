/**
 * Redacts a secret for display: a short recognisable prefix (at most a quarter of the secret,
 * never more than 8 characters), an ellipsis and the length. Short secrets are fully masked.
 *
 * @example
 * ```ts
 * redactSecret('ghp_abcdefghijklmnopqrstuvwxyz0123456789'); // "ghp_abcd…(40 chars)"
 * ```
 */
export function redactSecret(secret: string): string {
  if (secret.length < 12) return `${'*'.repeat(Math.min(secret.length, 8))}(${secret.length} chars)`;
  const keep = Math.min(8, Math.floor(secret.length / 4));
  return `${secret.slice(0, keep)}…(${secret.length} chars)`;
}
