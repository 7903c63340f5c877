/** The outcome of normalising a request target. */
export type NormalisedTarget =
  | {
      ok: true;
      /** Decoded, dot-segment-free path with `//` collapsed; what routes are matched against. */
      path: string;
      /** The same path re-encoded, plus the original query: what is forwarded upstream. */
      forwardTarget: string;
      /** The raw query string without `?` ('' when absent). */
      query: string;
    }
  | { ok: false; reason: string };

const ENCODED_SEPARATOR = /%(?:2f|5c)/i;
const ENCODED_DELIMITER = /%(?:3f|23)/i;
const PERCENT_TRIPLET = /%[0-9a-f]{2}/i;

/**
 * Normalises a request target (`/a/b?c`) so that a route rule cannot be dodged: the path is
 * percent-decoded exactly once, encoded slashes and backslashes are refused (they mean different
 * things to different servers), a decoded path that still holds a percent-escape is refused
 * (double encoding: the upstream could decode it again into `..`), `//` collapses, and `.`/`..`
 * segments (including `%2e%2e`) are resolved without climbing above the root. Routes are matched
 * on segment names without their `;parameters` (as servlet containers route) and without trailing
 * dots and spaces (as Windows servers open them), and `..;` is refused, as are segments made only of
 * dots and spaces, encoded `?` and `#`, and non-ASCII characters that some server folds into ASCII
 * (full-width `．．／`, dotless `ı`, the Kelvin sign, division slash) or ignores (zero-width space).
 * The forwarded target is rebuilt from the normalised segments, so the upstream sees the path that
 * was checked.
 *
 * @example
 * ```ts
 * normaliseTarget('/x/%2e%2e//admin/./users?q=1');
 * // { ok: true, path: '/admin/users', forwardTarget: '/admin/users?q=1', query: 'q=1' }
 * normaliseTarget('/admin%2Fusers'); // { ok: false, reason: 'encoded slash or backslash in path' }
 * ```
 */
export function normaliseTarget(target: string): NormalisedTarget {
  if (target.length === 0 || target[0] !== '/') return { ok: false, reason: 'request target must start with /' };
  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  // Almost every real path is already canonical; the full algorithm below would give it back
  // unchanged, so skip the decode / split / re-encode (it dominated the embedded plugin's cost).
  if (isCanonicalPath(rawPath)) return { ok: true, path: rawPath, forwardTarget: target, query: q === -1 ? '' : target.slice(q + 1) };
  return normaliseTargetFully(target);
}

/**
 * The general normalisation behind {@link normaliseTarget}, without the fast path for paths that
 * are already canonical (the tests check both agree).
 *
 * @example
 * ```ts
 * normaliseTargetFully('/a/./b'); // { ok: true, path: '/a/b', forwardTarget: '/a/b', query: '' }
 * ```
 */
export function normaliseTargetFully(target: string): NormalisedTarget {
  if (target.length === 0 || target[0] !== '/') return { ok: false, reason: 'request target must start with /' };
  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  const hash = rawPath.indexOf('#');
  if (hash !== -1) return { ok: false, reason: 'fragment in request target' };
  const query = q === -1 ? '' : target.slice(q + 1);
  if (rawPath.includes('\\')) return { ok: false, reason: 'backslash in path' };
  if (ENCODED_SEPARATOR.test(rawPath)) return { ok: false, reason: 'encoded slash or backslash in path' };
  // A server that decodes before splitting off the query or fragment would route on a prefix.
  if (ENCODED_DELIMITER.test(rawPath)) return { ok: false, reason: 'encoded ? or # in path' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, reason: 'malformed percent-encoding in path' };
  }
  if (PERCENT_TRIPLET.test(decoded)) return { ok: false, reason: 'double percent-encoding in path' };
  let nonAscii = false;
  for (let i = 0; i < decoded.length; i++) {
    const c = decoded.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return { ok: false, reason: 'control character in path' };
    if (c >= 0x80) nonAscii = true;
  }
  if (decoded.includes('\\')) return { ok: false, reason: 'backslash in path' };
  if (nonAscii) {
    const folded = foldableCharacter(decoded);
    if (folded) return { ok: false, reason: folded };
  }
  // Servlet containers (Tomcat, Jetty, Spring) drop a segment's `;parameters` before routing, so
  // `/admin;x/users` is their `/admin/users` and `/public/..;/admin` their `/admin`. Routes are
  // matched on the segment names without parameters (a name left empty counts as `//`); the
  // forwarded segments keep them (a server that keeps them sees a name no stricter rule was needed
  // for). A dot segment with parameters means `..` to some servers and a plain name to others:
  // refused.
  const segments: string[] = [];
  const parts = decoded.split('/');
  let parameters = false;
  let trimmed = false;
  for (const part of parts) {
    const semicolon = part.indexOf(';');
    if (semicolon !== -1) {
      const name = part.slice(0, semicolon);
      if (name === '.' || name === '..') return { ok: false, reason: 'dot segment with path parameters' };
      parameters = true;
    }
    if (part === '' || part === '.') continue;
    if (part === '..') {
      segments.pop();
      continue;
    }
    // `...`, `. .`, `.. `: Windows trims trailing dots and spaces (so `.. ` is `..`), and old
    // servers read `...` as two levels up. No real path needs one.
    if (onlyDotsAndSpaces(withoutParameters(part))) return { ok: false, reason: 'segment of only dots or spaces' };
    if (!trimmed && endsWithDotOrSpace(part)) trimmed = true;
    segments.push(part);
  }
  const last = parts[parts.length - 1];
  const trailingSlash = segments.length > 0 && (last === '' || last === '.' || last === '..');
  const names = parameters || trimmed ? segments.map(matchName).filter((name) => name !== '') : segments;
  const path = `/${names.join('/')}${trailingSlash && names.length > 0 ? '/' : ''}`;
  const encodedPath = `/${segments.map(encodeSegment).join('/')}${trailingSlash ? '/' : ''}`;
  return { ok: true, path, forwardTarget: q === -1 ? encodedPath : `${encodedPath}?${query}`, query };
}

// The name a route sees: no `;parameters`, no trailing dots or spaces (`admin.` and `admin ` open
// `admin` on Windows servers, so they must need what `admin` needs).
function matchName(segment: string): string {
  const name = withoutParameters(segment);
  let end = name.length;
  while (end > 0 && (name.charCodeAt(end - 1) === 0x2e || name.charCodeAt(end - 1) === 0x20)) end--;
  return end === name.length ? name : name.slice(0, end);
}

function endsWithDotOrSpace(segment: string): boolean {
  const name = withoutParameters(segment);
  const c = name.charCodeAt(name.length - 1);
  return c === 0x2e || c === 0x20;
}

function onlyDotsAndSpaces(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c !== 0x2e && c !== 0x20) return false;
  }
  return true;
}

// Invisible characters (format, separators, controls) that servers strip or treat as space.
const INVISIBLE = /[\p{Cf}\p{Z}\p{Cc}]/u;
// Slash look-alikes that Windows "best fit" code-page conversion turns into `/` or `\` (no NFKC form).
const SLASH_LIKE = new Set(['\u2215', '\u2216', '\u2044', '\u29f5', '\u29f8', '\u29f9', '\u00a5', '\u20a9']);

/**
 * The reason to refuse a decoded path holding a non-ASCII character that some server turns into
 * ASCII (NFKC normalisation, case mapping, best-fit code pages) or drops (zero-width and other
 * invisible characters): such a path could reach `/admin` while it matched a looser rule here.
 * Undefined when every non-ASCII character stays non-ASCII everywhere (`é`, `ü`, `日本`).
 *
 * @example
 * ```ts
 * foldableCharacter('/x/\uff0e\uff0e/admin'); // 'character that servers fold into ASCII in path'
 * foldableCharacter('/caf\u00e9'); // undefined
 * ```
 */
export function foldableCharacter(decoded: string): string | undefined {
  for (const ch of decoded) {
    if (ch.charCodeAt(0) < 0x80) continue;
    if (INVISIBLE.test(ch)) return 'invisible or space character in path';
    if (SLASH_LIKE.has(ch) || hasAscii(ch.normalize('NFKC')) || hasAscii(ch.toLowerCase()) || hasAscii(ch.toUpperCase()))
      return 'character that servers fold into ASCII in path';
  }
  return undefined;
}

function hasAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x80) return true;
  return false;
}

function withoutParameters(segment: string): string {
  const semicolon = segment.indexOf(';');
  return semicolon === -1 ? segment : segment.slice(0, semicolon);
}

// Keeps the sub-delimiters RFC 3986 allows in a segment readable; everything else is escaped.
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/%(21|24|26|27|28|29|2A|2B|2C|3B|3D|3A|40)/g, (m) => decodeURIComponent(m));
}

// Characters a segment keeps as is through decode + encodeSegment: unreserved and the
// sub-delimiters plus ':' and '@' (RFC 3986 pchar without '%').
const PLAIN = new Uint8Array(128);
// Not ';': a path with segment parameters is matched without them (normaliseTargetFully).
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,=:@") PLAIN[c.charCodeAt(0)] = 1;

// True when `rawPath` (starting with '/') has no '%', no '//', no segment ending in '.' and only
// plain characters: normalising it would return it unchanged, as both its path and its target.
function isCanonicalPath(rawPath: string): boolean {
  let segmentStart = 1;
  for (let i = 1; i <= rawPath.length; i++) {
    const c = i === rawPath.length ? 0x2f : rawPath.charCodeAt(i);
    if (c === 0x2f) {
      const len = i - segmentStart;
      // An empty segment is only fine as the trailing slash ('/x/'); '/' alone is canonical too.
      if (len === 0 && i !== rawPath.length) return false;
      // Covers `.`, `..`, `...` and a name with a trailing dot (matched without it).
      if (len > 0 && rawPath.charCodeAt(i - 1) === 0x2e) return false;
      segmentStart = i + 1;
    } else if (c >= 128 || PLAIN[c] !== 1) {
      return false;
    }
  }
  return true;
}
