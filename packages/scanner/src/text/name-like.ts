// A word of a name: at least three letters with a vowel, only the first may be a capital
// (`service`, `Token`, `googleapis`), or an acronym (`PKCS`, `IAM`).
const WORD = /^(?:[A-Z]?[a-z]*[aeiouy][a-z]*|[A-Z]{2,5})$/;
// Splits at case humps and digits: `V1ServiceAccount` -> V, 1, Service, Account;
// `PKCS7PrivateKey` -> PKCS, 7, Private, Key.
const TOKEN = /[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+/g;
const SEPARATOR = /[-_./]/;

/**
 * True when `value` is made of the words of a name rather than random characters: a class or
 * function name (`V1ServiceAccountTokenProjection`, `_convert_oauth2_credentials`), a resource
 * path (`projects/my-project/secrets/api-key/versions/1`, `roles/iam.serviceAccountTokenCreator`)
 * or a host (`run.googleapis.com`). At least three parts; each a word of three or more letters
 * with a vowel (two between separators: `my-project`), an acronym, or a short number (at most two
 * numbers, six digits in all, as in `oauth2`, `V1`, `versions/1`); words four letters long on
 * average, set apart by at least two separators or case humps. Random keys almost never split so (test/engine/name-like.test.ts measures it). Values
 * of names that say password are not judged with it: `CompanyName2024` is a (weak) password.
 *
 * @example
 * ```ts
 * looksLikeName('V1ServiceAccountTokenProjection'); // true
 * looksLikeName('Zq8mK2vX9pL4nR7tW1yB6cD3fH5jS0aE'); // false
 * ```
 */
export function looksLikeName(value: string): boolean {
  if (!/^[A-Za-z0-9_./-]+$/.test(value) || !/[A-Za-z]{3}/.test(value)) return false;
  let words = 0;
  let letters = 0;
  let numbers = 0;
  let digits = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(value); m !== null; m = TOKEN.exec(value)) {
    const part = m[0];
    if (part.charCodeAt(0) <= 0x39) {
      numbers++;
      digits += part.length;
      if (numbers > 2 || digits > 6) return false;
      continue;
    }
    const end = m.index + part.length;
    const apart =
      (m.index === 0 || SEPARATOR.test(value.charAt(m.index - 1))) && (end === value.length || SEPARATOR.test(value.charAt(end)));
    // One letter before a number (`V1`, `s3`), as versions and services are named.
    const version = part.length === 1 && /\d/.test(value.charAt(end));
    if (!version && !(WORD.test(part) && (part.length >= 3 || apart))) return false;
    words++;
    letters += part.length;
  }
  // Parts set apart by separators or case humps, not only by digits (random lower-case keys
  // fall apart into letter runs at their digits).
  const boundaries = (value.match(/[-_./]+|[a-z](?=[A-Z])/g) ?? []).length;
  return words + numbers >= 3 && boundaries >= 2 && letters / words >= 4;
}
