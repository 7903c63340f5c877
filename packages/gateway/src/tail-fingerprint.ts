/**
 * A small-integer (Smi) fingerprint of a string's length and last 12 characters, to index a memo of
 * recently seen credentials or headers: an integer key needs no string hashing, which costs as
 * much as the rest of such a lookup on a string that is new on every request. Never proof of
 * equality: a memo must confirm a hit by comparing the whole string (a collision is only a miss).
 *
 * @example
 * ```ts
 * const fp = tailFingerprint(token);
 * const hit = memo.get(fp);
 * if (hit?.token === token) return hit.value;
 * ```
 */
export function tailFingerprint(text: string): number {
  let h = text.length;
  for (let i = Math.max(0, text.length - 12); i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h & 0x3fffffff;
}
