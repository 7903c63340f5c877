import type { KeyRow } from '../storage/schema.js';

/** Status of an API key or service-account token as the gateway must enforce it. */
export type KeyStatus = 'active' | 'revoked' | 'suspended' | 'expired' | 'rotated';

/**
 * An API key, service-account token or canary, as the gateway sees it: never the secret.
 * `status` is computed at read time (an expired key says `expired` even before a sweep).
 */
export interface KeyRecord {
  id: string;
  kind: 'api_key' | 'service_account_token';
  subject: string;
  scopes: string[];
  audience: string[];
  expires_at?: string;
  not_before?: string;
  cidr_allowlist?: string[];
  canary: boolean;
  status: KeyStatus;
  last_used_at?: string;
  last_used_ip?: string;
  display_prefix: string;
  created_at: string;
}

/**
 * What a key created without an audience stores: "the service's default audience", resolved when
 * the key is read (see {@link withDefaultAudience}). Storing the default itself tied the key to
 * whatever the default was at creation: a key made before the first `serve` (which records the
 * service's issuer) got the fallback `http://127.0.0.1:8080/api`, and one made before a change of
 * `--listen`, `--issuer` or `--audience` kept the old one, so the gateway refused them silently.
 */
export const DEFAULT_AUDIENCE_MARK = 'urn:tokenwarden:audience:default';

/**
 * The record with {@link DEFAULT_AUDIENCE_MARK} replaced by the reader's current default audience.
 *
 * @example
 * ```ts
 * withDefaultAudience(record, view.defaultAudience).audience; // ["https://api.example.com"]
 * ```
 */
export function withDefaultAudience(record: KeyRecord, defaultAudience: string): KeyRecord {
  if (!record.audience.includes(DEFAULT_AUDIENCE_MARK)) return record;
  const audience = [...new Set(record.audience.map((a) => (a === DEFAULT_AUDIENCE_MARK ? defaultAudience : a)))];
  return { ...record, audience };
}

/**
 * Maps a stored row to a {@link KeyRecord}, computing the effective status at `now`.
 *
 * @example
 * ```ts
 * const record = toKeyRecord(row, new Date());
 * ```
 */
export function toKeyRecord(row: KeyRow, now: Date): KeyRecord {
  let status = row.status as KeyStatus;
  if (status === 'active' && row.expires_at !== null && Date.parse(row.expires_at) <= now.getTime()) {
    status = row.superseded_at === null ? 'expired' : 'rotated';
  }
  return {
    id: row.id,
    kind: row.kind === 'service_account_token' ? 'service_account_token' : 'api_key',
    subject: row.subject,
    scopes: JSON.parse(row.scopes) as string[],
    audience: JSON.parse(row.audience) as string[],
    ...(row.expires_at === null ? {} : { expires_at: row.expires_at }),
    ...(row.not_before === null ? {} : { not_before: row.not_before }),
    ...(row.cidr_allowlist === null ? {} : { cidr_allowlist: JSON.parse(row.cidr_allowlist) as string[] }),
    canary: row.canary === 1,
    status,
    ...(row.last_used_at === null ? {} : { last_used_at: row.last_used_at }),
    ...(row.last_used_ip === null ? {} : { last_used_ip: row.last_used_ip }),
    display_prefix: row.display_prefix,
    created_at: row.created_at,
  };
}
