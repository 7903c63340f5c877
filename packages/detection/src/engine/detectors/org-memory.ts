import type { OrgStats } from '../profile/org-stats.js';

/**
 * What a detector remembers about the whole organisation for longer than a window (the accounts its logs name, the
 * secrets each role reads), beyond the profiles: kept per engine by its organisation statistics and carried in the
 * engine's snapshot, so a restart does not make the organisation's habits new again (a deploy job's dozen secrets
 * read as a harvest, a member account as an outsider).
 *
 * `save` returns plain JSON; `load` gets untrusted JSON back (a snapshot read from disk) and takes what is well
 * formed, ignoring the rest.
 *
 * @example
 * ```ts
 * const memory: OrgMemory = { name: 'outside_grant.accounts_seen', save: (org) => [...accountsOf(org)], load: (org, data) => restore(org, data) };
 * ```
 */
export interface OrgMemory {
  /** Stable key in the snapshot; renaming it forgets what earlier snapshots held. */
  readonly name: string;
  save(org: OrgStats): unknown;
  load(org: OrgStats, data: unknown): void;
}

/**
 * The state a detector keeps for one engine, keyed by its organisation statistics (one per engine, replaced on
 * restore, so the state goes with them): made by `create` on first use.
 *
 * @example
 * ```ts
 * const ACCOUNTS = new WeakMap<OrgStats, Set<string>>();
 * const newAccounts = () => new Set<string>();
 * const seen = orgState(ACCOUNTS, ctx.org, newAccounts);
 * ```
 */
export function orgState<T>(states: WeakMap<OrgStats, T>, org: OrgStats, create: () => T): T {
  let state = states.get(org);
  if (state === undefined) {
    state = create();
    states.set(org, state);
  }
  return state;
}

/**
 * Sets `key` to `value` as the most recent entry of `map` (a Map iterates in insertion order), forgetting the oldest
 * entries past `max`: the bounded, least-recently-seen memory the detectors keep of people, sessions and addresses.
 *
 * @example
 * ```ts
 * rememberLatest(sessions, 'idx-ana', Date.now(), 50_000);
 * ```
 */
export function rememberLatest<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value as K);
}

/**
 * The memories of `memories` for `org`, by name, leaving out empty ones.
 *
 * @example
 * ```ts
 * const saved = saveOrgMemories(ORG_MEMORIES, org); // { 'outside_grant.accounts_seen': ['418295730164'] }
 * ```
 */
export function saveOrgMemories(memories: readonly OrgMemory[], org: OrgStats): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of memories) {
    const data = m.save(org);
    if (!(Array.isArray(data) && data.length === 0)) out[m.name] = data;
  }
  return out;
}

/**
 * Gives each memory of `memories` what `saved` holds under its name; a name the build does not know is ignored.
 *
 * @example
 * ```ts
 * loadOrgMemories(ORG_MEMORIES, org, header.memories);
 * ```
 */
export function loadOrgMemories(memories: readonly OrgMemory[], org: OrgStats, saved: unknown): void {
  if (saved === null || typeof saved !== 'object' || Array.isArray(saved)) return;
  const byName = saved as Record<string, unknown>;
  for (const m of memories) {
    if (Object.hasOwn(byName, m.name)) m.load(org, byName[m.name]);
  }
}
