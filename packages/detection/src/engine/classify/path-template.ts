/** Result slots of {@link scanPath}, reused across events to avoid allocation. */
export interface PathShape {
  /** FNV-1a hash of the path template (ids replaced by `{id}`, query dropped). */
  templateHash: number;
  /** Value of the last all-digit segment, or -1. Feeds the sequential-id (BOLA) check. */
  numericId: number;
}

const SLASH = 47;
const QUERY = 63;
const HASH_MARK = 35;
const ID_TOKEN = '{id}';

/** Shortest random part of a prefixed id (`rule_rz2t44`, `cus_NffrFeUfNV2Hib`, `prj-8f3k2a`). */
const PREFIXED_ID_MIN_TAIL = 6;
/** Longest type prefix of a prefixed id (`sk_live_`, `org_`, `acct_`). */
const PREFIXED_ID_MAX_HEAD = 10;

/**
 * A typed id: a short lowercase type prefix, `_` or `-`, then a random tail of at least six letters and digits
 * holding a digit (`rule_rz2t44`, `prj-8f3k2a`, Stripe's `cus_…`, `sk_live_…`). Words joined by underscores or
 * hyphens (`api_keys`, `audit-log-streams`, `team_admins`) have no digit in their tail; names such as `s3-buckets`
 * or `oauth2_clients` have it in the prefix.
 */
function isPrefixedId(path: string, start: number, end: number): boolean {
  let i = start;
  while (i < end && i - start <= PREFIXED_ID_MAX_HEAD) {
    const c = path.charCodeAt(i);
    if (c < 97 || c > 122) break;
    i++;
  }
  const head = i - start;
  if (head === 0 || head > PREFIXED_ID_MAX_HEAD || i >= end) return false;
  const sep = path.charCodeAt(i);
  if (sep !== 95 && sep !== 45) return false;
  let tail = 0;
  let digits = 0;
  for (let j = i + 1; j < end; j++) {
    const c = path.charCodeAt(j);
    if (c >= 48 && c <= 57) digits++;
    else if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 45)) return false;
    tail++;
  }
  return tail >= PREFIXED_ID_MIN_TAIL && digits > 0;
}

function isIdSegment(path: string, start: number, end: number): boolean {
  const len = end - start;
  if (len === 0) return false;
  let digits = 0;
  let hex = 0;
  let other = false;
  for (let i = start; i < end; i++) {
    const c = path.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      hex++;
    } else if ((c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 45) hex++;
    else if (c === 64)
      return true; // e-mail addresses name one object
    else other = true;
  }
  if (digits === len) return true;
  if (!other && hex === len && len >= 16) return true; // uuids, object ids, hashes
  if (len >= 20 && digits > 0) return true; // opaque ids such as base62 keys
  return digits > 0 && isPrefixedId(path, start, end);
}

function segmentValue(path: string, start: number, end: number): number {
  if (end - start > 15) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const c = path.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * The value of the path's last all-digit segment (up to 15 digits), or -1: the object id {@link scanPath} would
 * report, without hashing the template. For a log that names the route template beside the path, which already
 * says the endpoint.
 *
 * @example
 * ```ts
 * lastNumericSegment('/v1/invoices/1042?x=1'); // 1042
 * lastNumericSegment('/v1/invoices/1042/lines'); // 1042
 * ```
 */
export function lastNumericSegment(path: string): number {
  let end = path.length;
  for (let i = 0; i < end; i++) {
    const c = path.charCodeAt(i);
    if (c === QUERY || c === HASH_MARK) {
      end = i;
      break;
    }
  }
  let segEnd = end;
  for (let i = end - 1; i >= -1; i--) {
    if (i === -1 || path.charCodeAt(i) === SLASH) {
      if (segEnd > i + 1) {
        const v = segmentValue(path, i + 1, segEnd);
        if (v >= 0) return v;
      }
      segEnd = i;
    }
  }
  return -1;
}

/**
 * Hash a URL path's template without building a string: id-like segments (digits, uuids, long hex,
 * long opaque tokens, typed ids such as `rule_rz2t44`, e-mail addresses) hash as `{id}`; the query and fragment are ignored; case is kept.
 *
 * @example
 * ```ts
 * const shape = { templateHash: 0, numericId: -1 };
 * scanPath('/api/orders/1042?x=1', shape); // shape.numericId === 1042, same hash as '/api/orders/7'
 * ```
 */
export function scanPath(path: string, out: PathShape): PathShape {
  let h = 0x811c9dc5;
  let id = -1;
  let end = path.length;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === QUERY || c === HASH_MARK) {
      end = i;
      break;
    }
  }
  let segStart = 0;
  for (let i = 0; i <= end; i++) {
    if (i === end || path.charCodeAt(i) === SLASH) {
      if (i > segStart && isIdSegment(path, segStart, i)) {
        const v = segmentValue(path, segStart, i);
        if (v >= 0) id = v;
        for (let j = 0; j < ID_TOKEN.length; j++) {
          h ^= ID_TOKEN.charCodeAt(j);
          h = Math.imul(h, 0x01000193);
        }
      } else {
        for (let j = segStart; j < i; j++) {
          h ^= path.charCodeAt(j);
          h = Math.imul(h, 0x01000193);
        }
      }
      if (i < end) {
        h ^= SLASH;
        h = Math.imul(h, 0x01000193);
      }
      segStart = i + 1;
    }
  }
  h >>>= 0;
  out.templateHash = h === 0 ? 1 : h;
  out.numericId = id;
  return out;
}

/**
 * The path template as text (allocates; used once per distinct template, for classification and evidence).
 *
 * @example
 * ```ts
 * pathTemplate('/v1/users/42/keys'); // '/v1/users/{id}/keys'
 * ```
 */
export function pathTemplate(path: string): string {
  let end = path.length;
  const q = path.search(/[?#]/);
  if (q >= 0) end = q;
  const parts = path.slice(0, end).split('/');
  for (let i = 0; i < parts.length; i++) {
    const seg = parts[i]!;
    if (isIdSegment(seg, 0, seg.length)) parts[i] = ID_TOKEN;
  }
  return parts.join('/');
}

/**
 * Hash of `method + ' ' + template` from an already computed template hash (no string building).
 *
 * @example
 * ```ts
 * const key = methodTemplateHash('POST', shape.templateHash);
 * ```
 */
export function methodTemplateHash(method: string, templateHash: number): number {
  let h = Math.imul(templateHash ^ 0x9e3779b9, 0x01000193);
  for (let i = 0; i < method.length; i++) {
    h ^= method.charCodeAt(i) | 32;
    h = Math.imul(h, 0x01000193);
  }
  h >>>= 0;
  return h === 0 ? 1 : h;
}
