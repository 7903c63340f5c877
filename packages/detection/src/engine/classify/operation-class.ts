import { ABUSE_NONE, ABUSE_ROLES } from './abuse-catalog.js';
import { OKTA_BLINDING_PREFIXES, OKTA_DEFENSE_EVASION_PREFIXES, OKTA_GRANT_TYPES, OKTA_PERSISTENCE_TYPES } from './okta-catalog.js';
import {
  BLINDING_OPERATIONS,
  CAPABILITY_PROBE_OPERATIONS,
  COLLECTION_OPERATIONS,
  DEFENSE_EVASION_OPERATIONS,
  GRANT_OPERATIONS,
  HTTP_CAPABILITY_SEGMENTS,
  HTTP_COLLECTION_SEGMENTS,
  HTTP_DEFENSE_SEGMENTS,
  HTTP_DISCOVERY_SEGMENTS,
  HTTP_GRANT_SEGMENTS,
  HTTP_PERSISTENCE_SEGMENTS,
  PERSISTENCE_OPERATIONS,
  SELF_KEY_OPERATIONS,
} from './operation-catalog.js';

/** Attack-stage positions, matching `ATTACK_STAGES` in @tokenwarden/core. */
export const STAGE_NONE = 0;
export const STAGE_VALIDITY_CHECK = 1;
export const STAGE_CAPABILITY_PROBE = 2;
export const STAGE_DISCOVERY = 3;
export const STAGE_COLLECTION = 4;
export const STAGE_MODIFICATION = 5;
export const STAGE_PERSISTENCE = 6;
export const STAGE_DEFENSE_EVASION = 7;

/** Kind of privileged change. */
export type PrivilegeKind = 'none' | 'persistence' | 'grant' | 'defense_evasion';

/**
 * What one operation means: its attack stage, whether it reads data, and whether it is privileged.
 * Computed once per distinct operation and cached.
 */
export interface OperationClass {
  /** Canonical name: `iam:CreateUser`, `user.lifecycle.create`, `POST /v1/api-keys`. */
  readonly name: string;
  /** Stage position (see `STAGE_*`). */
  readonly stage: number;
  /** Any read (metadata or data). */
  readonly read: boolean;
  /** A read of data rather than metadata (counts toward collection and volume). */
  readonly dataRead: boolean;
  /** Privileged change kind. */
  readonly privilege: PrivilegeKind;
  /** Managing access keys, which is rotation when habitual. */
  readonly selfKey: boolean;
  /** Defense evasion that switches audit logging, alerting or threat detection off outright rather than tuning it. */
  readonly blinds: boolean;
  /** Its part in a way of turning a leaked key into money or damage (`ABUSE_*` in abuse-catalog.ts), else 0. */
  readonly abuse: number;
}

function make(
  name: string,
  stage: number,
  read: boolean,
  dataRead: boolean,
  privilege: PrivilegeKind,
  selfKey = false,
  blinds = false,
): OperationClass {
  return { name, stage, read, dataRead, privilege, selfKey, blinds, abuse: ABUSE_NONE };
}

const READ_VERBS = ['List', 'Describe', 'Get', 'Search', 'Lookup', 'BatchGet', 'Head', 'Select', 'View', 'Read', 'Query', 'Scan'];

/**
 * CloudTrail names some services' actions with the API version they called (Lambda's `AddPermission20150331v2`,
 * `ListFunctions20150331`; CloudFront's `CreateDistribution2020_05_31`): the catalog holds the plain action.
 */
const API_VERSION_SUFFIX = /(?:\d{8}(?:v\d+)?|\d{4}_\d{2}_\d{2})$/;

function classifyCloud(name: string, versionedAction: string): OperationClass {
  const action = versionedAction.replace(API_VERSION_SUFFIX, '');
  const key = action === versionedAction ? name : name.slice(0, name.length - versionedAction.length) + action;
  const cls = classifyCloudAction(name, key, action);
  const abuse = ABUSE_ROLES.get(key);
  return abuse === undefined ? cls : { ...cls, abuse };
}

function classifyCloudAction(name: string, key: string, action: string): OperationClass {
  if (DEFENSE_EVASION_OPERATIONS.has(key))
    return make(name, STAGE_DEFENSE_EVASION, false, false, 'defense_evasion', false, BLINDING_OPERATIONS.has(key));
  const selfKey = SELF_KEY_OPERATIONS.has(key);
  if (PERSISTENCE_OPERATIONS.has(key)) return make(name, STAGE_PERSISTENCE, false, false, 'persistence', selfKey);
  if (GRANT_OPERATIONS.has(key)) return make(name, STAGE_PERSISTENCE, false, false, 'grant');
  if (CAPABILITY_PROBE_OPERATIONS.has(key)) return make(name, STAGE_CAPABILITY_PROBE, true, false, 'none', selfKey);
  if (COLLECTION_OPERATIONS.has(key)) return make(name, STAGE_COLLECTION, true, true, 'none');
  for (const verb of READ_VERBS) {
    if (action.startsWith(verb)) return make(name, STAGE_DISCOVERY, true, false, 'none', selfKey);
  }
  return make(name, STAGE_MODIFICATION, false, false, 'none', selfKey);
}

function classifyOkta(name: string): OperationClass {
  for (const prefix of OKTA_DEFENSE_EVASION_PREFIXES) {
    if (name.startsWith(prefix)) {
      const blinds = OKTA_BLINDING_PREFIXES.some((p) => name.startsWith(p));
      return make(name, STAGE_DEFENSE_EVASION, false, false, 'defense_evasion', false, blinds);
    }
  }
  if (OKTA_PERSISTENCE_TYPES.has(name)) return make(name, STAGE_PERSISTENCE, false, false, 'persistence');
  if (OKTA_GRANT_TYPES.has(name)) return make(name, STAGE_PERSISTENCE, false, false, 'grant');
  if (name === 'user.session.access_admin_app') return make(name, STAGE_CAPABILITY_PROBE, true, false, 'none');
  if (name.startsWith('user.session.') || name.startsWith('user.authentication.')) return make(name, STAGE_NONE, false, false, 'none');
  if (/\.(read|list|search|view|export)/.test(name)) return make(name, STAGE_DISCOVERY, true, false, 'none');
  if (/\.(create|update|delete|deactivate|suspend|reset|change|remove|add|activate|unlock)/.test(name)) {
    return make(name, STAGE_MODIFICATION, false, false, 'none');
  }
  return make(name, STAGE_NONE, false, false, 'none');
}

/**
 * A segment naming audit logging, alerting, sign-in protection or a network restriction: the catalog's words, and
 * the families real APIs build from them (`audit-log-streams`, `audit-trail`, `alertmanager`, `log-destinations`).
 */
function isDefenseSegment(segment: string): boolean {
  if (HTTP_DEFENSE_SEGMENTS.has(segment) || segment.startsWith('audit') || segment.startsWith('alert')) return true;
  return segment.startsWith('log-') && segment !== 'log-in' && segment !== 'log-out';
}

/**
 * Setting another account's password, e-mail address or phone number (`PUT /users/{id}/password`,
 * `PATCH /members/{id}/email`): whoever holds the token can then sign in or recover the account as that user, with no
 * token left to revoke. A user's own change (`/me/password`, `/user/email`) names no account by id.
 */
function takesOverAccount(segments: readonly string[], namesAccountById: boolean): boolean {
  if (!namesAccountById) return false;
  const last = segments[segments.length - 1];
  const sets = last === 'password' || last === 'email' || last === 'emails' || last === 'recovery-email' || last === 'phone';
  return sets && segments.some((s) => s === 'users' || s === 'members' || s === 'accounts');
}

function classifyHttp(method: string, template: string): OperationClass {
  const m = method.toUpperCase();
  const name = `${m} ${template}`;
  // `personal_access_tokens` and `personal-access-tokens` are one resource: the catalogs spell segments with hyphens.
  const segments = template
    .toLowerCase()
    .replace(/_/g, '-')
    .split('/')
    .filter((s) => s.length > 0 && s !== '{id}' && !/^v\d+$/.test(s) && s !== 'api');
  const last = segments[segments.length - 1] ?? '';
  const endsWithId = template.endsWith('{id}');
  const has = (set: ReadonlySet<string>) => segments.some((s) => set.has(s));
  const write = m === 'POST' || m === 'PUT' || m === 'PATCH' || m === 'DELETE';
  if (write) {
    const disables = m === 'DELETE' || m === 'PUT' || m === 'PATCH' || segments.includes('disable') || segments.includes('mute');
    if (segments.some(isDefenseSegment) && disables) {
      // Deleting an audit or alerting resource, or calling its disable/mute action, switches it off; a PUT or
      // PATCH may only edit it.
      const blinds = m === 'DELETE' || segments.includes('disable') || segments.includes('mute');
      return make(name, STAGE_DEFENSE_EVASION, false, false, 'defense_evasion', false, blinds);
    }
    if (has(HTTP_GRANT_SEGMENTS) && m !== 'DELETE') return make(name, STAGE_PERSISTENCE, false, false, 'grant');
    const keyish = segments.some((s) => s === 'keys' || s === 'api-keys' || s === 'apikeys' || s.endsWith('tokens'));
    if (HTTP_PERSISTENCE_SEGMENTS.has(last) && (m === 'POST' || m === 'PUT')) {
      return make(name, STAGE_PERSISTENCE, false, false, 'persistence', keyish);
    }
    if (keyish && m === 'DELETE') return make(name, STAGE_MODIFICATION, false, false, 'none', true);
    if (m !== 'DELETE' && takesOverAccount(segments, endsWithId || template.includes('{id}/'))) {
      return make(name, STAGE_PERSISTENCE, false, false, 'persistence');
    }
    if (HTTP_COLLECTION_SEGMENTS.has(last) && (last === 'export' || last === 'exports' || last === 'download' || last === 'backup')) {
      return make(name, STAGE_COLLECTION, true, true, 'none');
    }
    return make(name, STAGE_MODIFICATION, false, false, 'none');
  }
  if (HTTP_CAPABILITY_SEGMENTS.has(last) || (last === 'user' && segments.length <= 2))
    return make(name, STAGE_CAPABILITY_PROBE, true, false, 'none');
  // The data of one object (`/internal/accounts/{id}/bank-accounts`) is a data read in whatever area it sits.
  const dataOfOne = HTTP_COLLECTION_SEGMENTS.has(last) && template.includes('{id}/');
  if (has(HTTP_DISCOVERY_SEGMENTS) && !endsWithId && !dataOfOne) return make(name, STAGE_DISCOVERY, true, false, 'none');
  if (HTTP_COLLECTION_SEGMENTS.has(last) || segments.some((s) => s === 'export' || s === 'exports' || s === 'download' || s === 'dump')) {
    return make(name, STAGE_COLLECTION, true, true, 'none');
  }
  return make(name, STAGE_NONE, true, endsWithId, 'none');
}

/**
 * Classify an operation name: AWS-style `service:Action`, an Okta event type (`user.lifecycle.create`),
 * or `METHOD /path/template`. Allocates; callers cache the result per distinct operation.
 *
 * @example
 * ```ts
 * classifyOperationName('cloudtrail:StopLogging').privilege; // 'defense_evasion'
 * classifyOperationName('GET /v1/me').stage;                  // STAGE_CAPABILITY_PROBE
 * ```
 */
export function classifyOperationName(op: string): OperationClass {
  const space = op.indexOf(' ');
  if (space > 0) {
    const rest = op.slice(space + 1).trim();
    if (rest.startsWith('/')) return classifyHttp(op.slice(0, space), rest);
  }
  const colon = op.indexOf(':');
  // `lifecycle:<type>` names a token-service or gateway signal (a revoked token presented, a refresh), not an
  // API call: the lifecycle detector judges it, and it is no step of the attack chain by itself.
  if (colon === 9 && op.startsWith('lifecycle:')) return make(op, STAGE_NONE, false, false, 'none');
  // Okta events arrive as `okta:<eventType>` from the Okta parser and as `<service>:<eventType>`
  // from OCSF producers that name the service Okta; the catalog holds the bare event types.
  if (colon > 0 && op.slice(0, colon).toLowerCase() === 'okta') return classifyOkta(op.slice(colon + 1));
  if (colon > 0 && op.indexOf('/') < 0) return classifyCloud(op, op.slice(colon + 1));
  if (op.indexOf('.') > 0 && op.indexOf('/') < 0) return classifyOkta(op);
  return make(op, STAGE_NONE, false, false, 'none');
}

/**
 * Classify an HTTP request from its method and path template (see `pathTemplate`).
 *
 * @example
 * ```ts
 * classifyHttpRequest('POST', '/admin/keys').privilege; // 'persistence'
 * ```
 */
export function classifyHttpRequest(method: string, template: string): OperationClass {
  return classifyHttp(method, template);
}
