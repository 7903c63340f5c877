import type { OrgStats } from '../profile/org-stats.js';
import { type OrgMemory, orgState } from './org-memory.js';
import type { DetectionContext } from './types.js';

/** Other people whose tokens an OAuth client must have used from a network and client before it is the app's backend. */
export const APP_BACKEND_MIN_PEOPLE = 2;
/** OAuth clients remembered per engine; the oldest is forgotten first. */
const MAX_CLIENTS = 10_000;
/** Backends (network and HTTP client) remembered per OAuth client. */
const MAX_BACKENDS = 32;

/** One backend of an app: the people whose tokens it used (their principal hashes, up to what the rule needs + 1). */
type People = number[];

/**
 * Where each OAuth client's delegated tokens are used from, per engine (keyed by its organisation statistics, saved in
 * the snapshot by `APP_BACKENDS_MEMORY`): the client id → `network:client` → the people whose tokens were used there.
 */
const BACKENDS = new WeakMap<OrgStats, Map<string, Map<string, People>>>();

const newBackends = (): Map<string, Map<string, People>> => new Map();

/** The OAuth client that holds the event's delegated token (set by the Okta parser), or undefined. */
function oauthClientOf(ctx: DetectionContext): string | undefined {
  const client = ctx.ev.attributes?.oauth_client;
  return typeof client === 'string' && client.length > 0 ? client : undefined;
}

/** The event's backend key: its cloud provider (or ASN) and HTTP client. */
function backendKey(ctx: DetectionContext): string | undefined {
  const network = ctx.orgHash !== 0 ? ctx.orgHash : ctx.asn;
  return network === 0 || ctx.clientHash === 0 ? undefined : `${network}:${ctx.clientHash}`;
}

/**
 * True when the event is an OAuth app using a person's token from where, and with what, it has already used at least
 * `APP_BACKEND_MIN_PEOPLE` other people's: the app's own servers refreshing tokens (an expense tool's backend on AWS,
 * with okhttp). A person's first grant to the app is new to the person, never to the app: read against the person's
 * browser habits, every person the app serves would page for the app's cloud and HTTP library. A stolen refresh
 * token replayed from anywhere else, or a new app's first people, still are news.
 *
 * @example
 * ```ts
 * if (isKnownAppBackend(ctx)) return; // no place or client novelty
 * ```
 */
export function isKnownAppBackend(ctx: DetectionContext): boolean {
  const client = oauthClientOf(ctx);
  if (client === undefined) return false;
  const key = backendKey(ctx);
  const people = key === undefined ? undefined : BACKENDS.get(ctx.org)?.get(client)?.get(key);
  if (people === undefined) return false;
  let others = 0;
  for (const p of people) if (p !== ctx.principalHash) others++;
  return others >= APP_BACKEND_MIN_PEOPLE;
}

/**
 * Remembers that the event's OAuth client used its principal's token from the event's network and client (a
 * successful call only: refusals say nothing about where the app runs).
 *
 * @example
 * ```ts
 * noteAppBackend(ctx);
 * ```
 */
export function noteAppBackend(ctx: DetectionContext): void {
  const client = oauthClientOf(ctx);
  if (client === undefined || ctx.ev.outcome === 'failure') return;
  const key = backendKey(ctx);
  if (key === undefined) return;
  const all = orgState(BACKENDS, ctx.org, newBackends);
  let backends = all.get(client);
  if (backends === undefined) {
    if (all.size >= MAX_CLIENTS) all.delete(all.keys().next().value as string);
    backends = new Map();
    all.set(client, backends);
  }
  let people = backends.get(key);
  if (people === undefined) {
    if (backends.size >= MAX_BACKENDS) return;
    people = [];
    backends.set(key, people);
  }
  if (people.length <= APP_BACKEND_MIN_PEOPLE && !people.includes(ctx.principalHash)) people.push(ctx.principalHash);
}

/** The app backends, in the engine's snapshot: `[client, [[backend, [person hashes]]...]]`. */
export const APP_BACKENDS_MEMORY: OrgMemory = {
  name: 'oauth.app_backends',
  save: (org) => [...(BACKENDS.get(org) ?? newBackends())].map(([client, backends]) => [client, [...backends]]),
  load: (org, data) => {
    if (!Array.isArray(data)) return;
    const all = orgState(BACKENDS, org, newBackends);
    for (const entry of data) {
      if (all.size >= MAX_CLIENTS) break;
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Array.isArray(entry[1])) continue;
      const backends = new Map<string, People>();
      for (const b of entry[1] as unknown[]) {
        if (backends.size >= MAX_BACKENDS) break;
        if (!Array.isArray(b) || typeof b[0] !== 'string' || !Array.isArray(b[1])) continue;
        const people = (b[1] as unknown[]).filter((p): p is number => Number.isInteger(p)).slice(0, APP_BACKEND_MIN_PEOPLE + 1);
        backends.set(b[0], people);
      }
      all.set(entry[0], backends);
    }
  },
};
