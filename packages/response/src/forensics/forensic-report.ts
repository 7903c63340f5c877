import type { AccessEvent, Alert, AttackStage, Credential, Principal } from '@tokenwarden/core';
import { ATTACK_STAGES } from '@tokenwarden/core';
import { type AccessKind, classifyAccess, resourceKind } from './classify.js';

/** Per resource kind: how many reads and changes, and how many bytes went out. */
export interface ResourceTouch {
  kind: string;
  reads: number;
  changes: number;
  bytes_out: number;
  examples: string[];
}

/** One source the credential was used from. */
export interface SourceSeen {
  ip: string;
  requests: number;
  first_seen: string;
  last_seen: string;
  country?: string;
  asn?: number;
  as_org?: string;
}

/** Answers "what did this token touch": the data behind every report format. */
export interface ForensicReport {
  credential: string;
  generated_at: string;
  window: { from?: string; to?: string; mode: 'since_first_suspicious' | 'all_time' };
  first_suspicious_at?: string;
  totals: { requests: number; reads: number; changes: number; failures: number; bytes_out: number; bytes_in: number };
  requests: ReportRequest[];
  resources: ResourceTouch[];
  sources: SourceSeen[];
  countries: string[];
  asns: { asn: number; org?: string; requests: number }[];
  devices: { user_agent: string; requests: number }[];
  stages: { stage: AttackStage; first_at: string; alerts: number }[];
  alerts: Pick<Alert, 'id' | 'time' | 'rule' | 'severity' | 'score' | 'stage' | 'summary'>[];
  created: {
    credentials: Pick<Credential, 'id' | 'kind' | 'status' | 'created_at'>[];
    principals: Pick<Principal, 'id' | 'kind' | 'name' | 'status' | 'created_at'>[];
  };
}

/** One request in the report, with its classification. */
export interface ReportRequest {
  id: string;
  time: string;
  kind: AccessKind;
  resource_kind: string;
  method?: string;
  path?: string;
  operation?: string;
  resource?: string;
  status?: number;
  outcome: string;
  source_ip?: string;
  user_agent?: string;
  bytes_out?: number;
  /** True when the request came from a source that first appeared with the attack. */
  attack_source: boolean;
}

/** What the report is built from: the stored events, the alerts, and lineage. */
export interface ForensicInput {
  credential: string;
  events: readonly AccessEvent[];
  alerts: readonly Alert[];
  createdCredentials?: readonly Credential[];
  createdPrincipals?: readonly Principal[];
  /** Optional geo/ASN lookup for the sources. */
  locate?: (ip: string) => { country?: string; asn?: number; as_org?: string } | undefined;
  /** Report every request ever made, not only those since the first suspicious one. */
  allTime?: boolean;
  now?: Date;
}

/**
 * Builds the forensic report of one credential: every request since the first suspicious event
 * (the event time of the first alert of at least medium severity, earlier when the attack's
 * sources were active before it, or all time when asked or when nothing was suspicious),
 * resources read and changed by kind, data volume, sources, devices, stages reached, and what the
 * credential created.
 *
 * @example
 * ```ts
 * const report = buildForensicReport({ credential: 'AKIA…', events, alerts });
 * console.log(report.totals.changes);
 * ```
 */
export function buildForensicReport(input: ForensicInput): ForensicReport {
  const sortedAlerts = [...input.alerts].sort((a, b) => a.time.localeCompare(b.time));
  const telling = tellingAlerts(sortedAlerts);
  const anchor = telling[0]?.time;
  const attackIps = attackSources(input.events, telling, anchor);
  const firstSuspicious = firstSuspiciousTime(input.events, anchor, attackIps);
  const from = input.allTime ? undefined : firstSuspicious;
  const events = input.events
    .filter((e) => from === undefined || e.time >= from)
    .sort((a, b) => (a.time === b.time ? a.id.localeCompare(b.id) : a.time.localeCompare(b.time)));

  const totals = { requests: 0, reads: 0, changes: 0, failures: 0, bytes_out: 0, bytes_in: 0 };
  const resources = new Map<string, ResourceTouch>();
  const sources = new Map<string, SourceSeen>();
  const devices = new Map<string, number>();
  const requests: ReportRequest[] = [];
  for (const e of events) {
    const kind = classifyAccess(e);
    const rk = resourceKind(e);
    totals.requests++;
    if (kind === 'read') totals.reads++;
    if (kind === 'change') totals.changes++;
    if (e.outcome === 'failure' || (e.status !== undefined && e.status >= 400)) totals.failures++;
    totals.bytes_out += e.bytes_out ?? 0;
    totals.bytes_in += e.bytes_in ?? 0;
    if (kind !== 'other') {
      let touch = resources.get(rk);
      if (!touch) {
        touch = { kind: rk, reads: 0, changes: 0, bytes_out: 0, examples: [] };
        resources.set(rk, touch);
      }
      if (kind === 'read') touch.reads++;
      else touch.changes++;
      touch.bytes_out += e.bytes_out ?? 0;
      const example = e.path ?? e.operation ?? e.resource;
      if (example && touch.examples.length < 5 && !touch.examples.includes(example)) touch.examples.push(example);
    }
    if (e.source_ip) {
      const s = sources.get(e.source_ip);
      if (s) {
        s.requests++;
        s.last_seen = e.time;
      } else {
        sources.set(e.source_ip, { ip: e.source_ip, requests: 1, first_seen: e.time, last_seen: e.time, ...input.locate?.(e.source_ip) });
      }
    }
    if (e.user_agent) devices.set(e.user_agent, (devices.get(e.user_agent) ?? 0) + 1);
    requests.push(
      stripUndefined({
        id: e.id,
        time: e.time,
        kind,
        resource_kind: rk,
        method: e.method,
        path: e.path,
        operation: e.operation,
        resource: e.resource,
        status: e.status,
        outcome: e.outcome,
        source_ip: e.source_ip,
        user_agent: e.user_agent,
        bytes_out: e.bytes_out,
        attack_source: e.source_ip !== undefined && attackIps.has(e.source_ip),
      }),
    );
  }

  const asns = new Map<number, { asn: number; org?: string; requests: number }>();
  const countries = new Set<string>();
  for (const s of sources.values()) {
    if (s.country) countries.add(s.country);
    if (s.asn !== undefined) {
      const a = asns.get(s.asn) ?? { asn: s.asn, ...(s.as_org ? { org: s.as_org } : {}), requests: 0 };
      a.requests += s.requests;
      asns.set(s.asn, a);
    }
  }

  const stageMap = new Map<AttackStage, { stage: AttackStage; first_at: string; alerts: number }>();
  for (const a of sortedAlerts) {
    if (a.stage === 'none') continue;
    const s = stageMap.get(a.stage);
    if (s) s.alerts++;
    else stageMap.set(a.stage, { stage: a.stage, first_at: a.time, alerts: 1 });
  }

  return {
    credential: input.credential,
    generated_at: (input.now ?? new Date()).toISOString(),
    window: stripUndefined({
      from: from ?? events[0]?.time,
      to: events.at(-1)?.time,
      mode: from === undefined ? 'all_time' : 'since_first_suspicious',
    }),
    ...(firstSuspicious ? { first_suspicious_at: firstSuspicious } : {}),
    totals,
    requests,
    resources: [...resources.values()].sort((a, b) => b.reads + b.changes - (a.reads + a.changes)),
    sources: [...sources.values()].sort((a, b) => b.requests - a.requests),
    countries: [...countries].sort(),
    asns: [...asns.values()].sort((a, b) => b.requests - a.requests),
    devices: [...devices.entries()].map(([user_agent, n]) => ({ user_agent, requests: n })).sort((a, b) => b.requests - a.requests),
    stages: [...stageMap.values()].sort((a, b) => ATTACK_STAGES.indexOf(a.stage) - ATTACK_STAGES.indexOf(b.stage)),
    alerts: sortedAlerts.map((a) => ({
      id: a.id,
      time: a.time,
      rule: a.rule,
      severity: a.severity,
      score: a.score,
      stage: a.stage,
      summary: a.summary,
    })),
    created: {
      credentials: (input.createdCredentials ?? []).map((c) => ({ id: c.id, kind: c.kind, status: c.status, created_at: c.created_at })),
      principals: (input.createdPrincipals ?? []).map((p) => ({
        id: p.id,
        kind: p.kind,
        name: p.name,
        status: p.status,
        created_at: p.created_at,
      })),
    },
  };
}

const NEW_SOURCE_LOOKBACK_MS = 24 * 3_600_000;

/**
 * Sources that came with the attack: the IPs of the events that raised alerts, kept only when the
 * credential had not used them until shortly before the first alert (an IP the owner has used
 * for weeks is the owner's, even if an alert fired on an event from it). `first` is the time of the
 * first telling alert.
 */
function attackSources(events: readonly AccessEvent[], alerts: readonly Alert[], first: string | undefined): Set<string> {
  if (!first) return new Set();
  const alerted = new Set(alerts.flatMap((a) => a.event_ids ?? []));
  const firstSeen = new Map<string, string>();
  for (const e of events) {
    if (!e.source_ip) continue;
    const seen = firstSeen.get(e.source_ip);
    if (seen === undefined || e.time < seen) firstSeen.set(e.source_ip, e.time);
  }
  const cutoff = new Date(Date.parse(first) - NEW_SOURCE_LOOKBACK_MS).toISOString();
  const out = new Set<string>();
  for (const e of events) {
    if (e.source_ip && alerted.has(e.id) && (firstSeen.get(e.source_ip) ?? '') >= cutoff) out.add(e.source_ip);
  }
  return out;
}

/**
 * The alerts that place the attack in time and name its sources: those of at least medium
 * severity, or all of them when there is none.
 *
 * Low alerts are kept for the record and the risk score; one weeks before the attack (the owner
 * working an odd hour) would otherwise pull every one of the owner's own requests since then into
 * "what the attacker touched". An attacker's quiet early requests are still included through the
 * attack sources (see {@link firstSuspiciousTime}).
 */
function tellingAlerts(sortedAlerts: readonly Alert[]): readonly Alert[] {
  const serious = sortedAlerts.filter((a) => a.severity !== 'low');
  return serious.length > 0 ? serious : sortedAlerts;
}

/**
 * Where the suspicious window starts: the first telling alert, or earlier when the attack's sources were
 * already active (a validity check usually comes before anything alerts).
 */
function firstSuspiciousTime(
  events: readonly AccessEvent[],
  anchor: string | undefined,
  attackIps: ReadonlySet<string>,
): string | undefined {
  let start = anchor;
  if (start === undefined) return undefined;
  for (const e of events) if (e.source_ip && attackIps.has(e.source_ip) && e.time < start) start = e.time;
  return start;
}

function stripUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
