import type { AttackStage } from '@tokenwarden/core';
import { atLocalHour, localDay } from '../model/calendar.js';
import { type ToolProfile, toolUserAgent } from '../model/clients.js';
import { type AttackKind, type AttackLabel, DAMAGE_STAGES } from '../model/labels.js';
import { hostIn, type Network, network, networksOf } from '../model/networks.js';
import { op } from '../model/operations.js';
import { makeEvent, type SimCredential, type SimEvent } from '../model/sim-event.js';
import type { Rng } from '../prng.js';
import { collection, evasion, modification, monetisation, persistence, recon, type Step } from './attack-steps.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN = 60_000;

/** What the attacker knows and inherits from the victim. */
export interface Victim {
  credential: SimCredential;
  timeZone: string;
  country: string;
  /** The victim's user-agent at a moment (stolen along with a session by an infostealer). */
  userAgentAt: (t: number) => string;
  /** The victim's tool when it is automation (a leaked CI key is replayed with the same tool). */
  tool?: ToolProfile;
  /** Admins, SREs and infrastructure pipelines can write IAM and logging settings. */
  privileged: boolean;
}

/** How the attacker shows up: networks, tool and pace. */
interface Attacker {
  nets: Network[];
  userAgent: (t: number) => string;
  /** Gap between calls, ms. */
  gap: () => number;
  /** Tor circuits and proxy pools change the exit address every few minutes. */
  rotateEveryMs: number;
}

/** The outcome of planning an attack: its events (time-ordered) and its ground truth. */
export interface AttackRun {
  events: SimEvent[];
  label: AttackLabel;
}

/**
 * Plays one attack of `kind` against `victim`, starting on `day` (UTC midnight). Calls that would
 * fall outside `window` are dropped; `undefined` when none is left.
 *
 * @example
 * ```ts
 * const run = playAttack(rng.fork('attack-0'), 'smash_and_grab', victim, day, { start, end });
 * ```
 */
export function playAttack(
  rng: Rng,
  kind: AttackKind,
  victim: Victim,
  day: number,
  window: { start: number; end: number },
): AttackRun | undefined {
  const tool =
    (t: ToolProfile['tool']): ((at: number) => string) =>
    () =>
      toolUserAgent({ tool: t, os: 'linux' });
  const self = victim.credential.userName;
  const vday = localDay(victim.timeZone, day + 12 * HOUR);
  const sessions: { at: number; steps: Step[] }[] = [];
  let attacker: Attacker;
  switch (kind) {
    case 'smash_and_grab': {
      attacker = {
        nets: [network(rng.pick(['do-nyc', 'do-sgp', 'hetzner', 'ovh', 'vultr']))],
        userAgent: tool(rng.pick(['python-requests', 'boto3', 'curl'] as const)),
        gap: () => rng.float(0.3, 4) * 1000,
        rotateEveryMs: 0,
      };
      const at = atLocalHour(vday, victim.timeZone, rng.float(0.5, 4.5));
      sessions.push({
        at,
        steps: [
          ...recon(rng, self, true),
          ...collection(rng, at, rng.int(90, 300)),
          ...modification(rng),
          ...persistence(rng, self, false),
          ...evasion(rng),
        ],
      });
      break;
    }
    case 'low_and_slow': {
      const origin = network(rng.pick(['br-vivo', 'ar-telecom', 'ke-safaricom', 'vpn-mullvad']));
      attacker = { nets: [origin], userAgent: tool('boto3'), gap: () => rng.float(40, 600) * 1000, rotateEveryMs: 0 };
      const all = [
        ...recon(rng, self, false),
        ...collection(rng, day, rng.int(9, 24)),
        ...persistence(rng, self, true),
        ...evasion(rng).slice(0, 1),
      ];
      const nDays = rng.int(3, 6);
      const perDay = Math.ceil(all.length / nDays);
      for (let d = 0; d < nDays; d++) {
        const at = day + d * DAY + rng.float(13, 21) * HOUR; // the attacker's own afternoon, in the Americas or Africa
        sessions.push({ at, steps: all.slice(d * perDay, (d + 1) * perDay) });
      }
      break;
    }
    case 'partial_recon': {
      attacker = {
        nets: networksOf('tor'),
        userAgent: tool(rng.pick(['curl', 'python-requests', 'go-http'] as const)),
        gap: () => rng.float(1, 20) * 1000,
        rotateEveryMs: 10 * MIN,
      };
      sessions.push({ at: day + rng.float(0, 24) * HOUR, steps: recon(rng, self, rng.chance(0.5)) });
      break;
    }
    case 'residential_proxy': {
      const same = networksOf('residential', victim.country).filter(
        (n) => n.id.includes('proxy') || n.id === 'us-charter' || n.id === 'gb-virgin',
      );
      const nets = same.length > 0 ? same : networksOf('residential', victim.country);
      attacker = {
        nets: nets.length > 0 ? nets : [network('us-charter')],
        userAgent: victim.userAgentAt,
        gap: () => rng.float(5, 90) * 1000,
        rotateEveryMs: 30 * MIN,
      };
      const at = atLocalHour(vday, victim.timeZone, rng.float(19.5, 22.5));
      sessions.push({
        at,
        steps: [
          ...recon(rng, self, false).slice(0, 12),
          ...collection(rng, at, rng.int(30, 80)),
          ...persistence(rng, self, true),
          ...evasion(rng).slice(0, 1),
        ],
      });
      break;
    }
    case 'concurrent_use': {
      attacker = {
        nets: [network(rng.pick(['vpn-datacamp', 'vpn-packethub', 'vpn-m247']))],
        userAgent: tool('boto3'),
        gap: () => rng.float(2, 40) * 1000,
        rotateEveryMs: 0,
      };
      let d = vday;
      while (d.weekday === 0 || d.weekday === 6) d = localDay(victim.timeZone, d.midnightUtc + DAY + 12 * HOUR);
      const at = atLocalHour(d, victim.timeZone, rng.float(10, 15.5));
      sessions.push({
        at,
        steps: [
          ...recon(rng, self, false),
          ...collection(rng, at, rng.int(40, 120)),
          ...modification(rng).slice(0, 1),
          ...persistence(rng, self, false),
        ],
      });
      break;
    }
    case 'dormant_key': {
      // A key nobody has used in the window (a retired pipeline's, pushed to a public repository long ago),
      // picked up by a scanner and worked by hand from a rented server: the whole chain in one sitting.
      attacker = {
        nets: [network(rng.pick(['hetzner', 'ovh', 'vultr', 'do-nyc', 'do-sgp']))],
        userAgent: tool(rng.pick(['boto3', 'aws-cli'] as const)),
        gap: () => rng.float(2, 30) * 1000,
        rotateEveryMs: 0,
      };
      const at = day + rng.float(0, 24) * HOUR;
      sessions.push({
        at,
        steps: [
          ...recon(rng, self, rng.chance(0.5)),
          ...collection(rng, at, rng.int(20, 60)),
          ...persistence(rng, self, false),
          ...evasion(rng),
        ],
      });
      break;
    }
    case 'leaked_key_abuse': {
      // Another never-used key, found by a scanner and handed to a script that turns it into money at once (models
      // to resell, or GPUs to mine on): checked, then put to work, with nothing switched off.
      attacker = {
        nets: [network(rng.pick(['hetzner', 'ovh', 'vultr', 'do-nyc', 'do-sgp']))],
        userAgent: tool('boto3'),
        gap: () => rng.float(0.5, 8) * 1000,
        rotateEveryMs: 0,
      };
      sessions.push({
        at: day + rng.float(0, 24) * HOUR,
        steps: [{ op: 'sts:GetCallerIdentity', stage: 'validity_check' }, ...monetisation(rng)],
      });
      break;
    }
    case 'ci_token_replay': {
      attacker = {
        nets: [network(rng.pick(['hetzner', 'ovh', 'vultr', 'do-sgp']))],
        userAgent: victim.tool ? () => toolUserAgent({ tool: 'aws-cli', os: 'linux' }) : tool('boto3'),
        gap: () => rng.float(0.5, 6) * 1000,
        rotateEveryMs: 0,
      };
      let at = day + rng.float(0, 6) * HOUR;
      while (new Date(at).getUTCDay() !== 6 && new Date(at).getUTCDay() !== 0) at += DAY;
      const miners: Step[] = ['us-east-2', 'us-west-2', 'eu-north-1', 'ap-south-1'].map((region) => ({
        op: 'ec2:RunInstances',
        stage: 'modification' as const,
        needsPrivilege: true,
        requestParameters: { region, instanceType: 'p4d.24xlarge', minCount: 10, maxCount: 10 },
      }));
      sessions.push({
        at,
        steps: [
          ...recon(rng, self, true),
          ...collection(rng, at, rng.int(10, 40)),
          ...persistence(rng, self, false),
          ...miners,
          ...evasion(rng),
        ],
      });
      break;
    }
  }
  const events: SimEvent[] = [];
  const stageOf = new Map<string, AttackStage>();
  const used = { networks: new Set<string>(), asns: new Set<number>(), countries: new Set<string>(), uas: new Set<string>() };
  let net = rng.pick(attacker.nets);
  let ip = hostIn(rng, rng.pick(net.blocks));
  let lastRotate = -Infinity;
  for (const s of sessions) {
    let t = s.at;
    for (const step of s.steps) {
      if (attacker.rotateEveryMs > 0 && t - lastRotate > attacker.rotateEveryMs) {
        net = rng.pick(attacker.nets);
        ip = hostIn(rng, rng.pick(net.blocks));
        lastRotate = t;
      }
      const denied = step.needsPrivilege === true && !victim.privileged;
      const status = step.status ?? (denied ? 403 : 200);
      const o = op(step.op);
      const ua = attacker.userAgent(t);
      const region = typeof step.requestParameters?.region === 'string' ? step.requestParameters.region : 'us-east-1';
      const draft = { time: t, credential: victim.credential, ip, userAgent: ua, op: o, interactive: false, status, region } as Parameters<
        typeof makeEvent
      >[1];
      if (step.resource !== undefined) draft.resource = step.resource;
      if (step.requestParameters) draft.requestParameters = step.requestParameters;
      if (step.errorCode && status >= 400) draft.errorCode = step.errorCode;
      if (o.name === 'iam:CreateAccessKey' && status < 400) {
        draft.responseElements = {
          accessKey: {
            accessKeyId: `AKIA${rng.chars(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
            userName: step.resource,
            status: 'Active',
            createDate: new Date(t).toISOString(),
          },
        };
      }
      const ev = makeEvent(rng, draft);
      // Downloads come in quick bursts; everything else at the attacker's pace.
      t += o.name === 's3:GetObject' && step.stage === 'collection' ? rng.float(0.05, 1.5) * 1000 : attacker.gap();
      if (ev.time < window.start || ev.time >= window.end) continue;
      events.push(ev);
      stageOf.set(ev.id, step.stage);
      used.networks.add(net.id);
      used.asns.add(net.asn);
      used.countries.add(net.country);
      used.uas.add(ua);
    }
  }
  if (events.length === 0) return undefined;
  events.sort((a, b) => a.time - b.time);
  return { events, label: labelFor(kind, events, stageOf, used) };
}

function labelFor(
  kind: AttackKind,
  events: SimEvent[],
  stageOf: Map<string, AttackStage>,
  used: { networks: Set<string>; asns: Set<number>; countries: Set<string>; uas: Set<string> },
): AttackLabel {
  const iso = (t: number): string => new Date(t).toISOString();
  const first = events[0] as SimEvent;
  const last = events[events.length - 1] as SimEvent;
  const stages = new Map<AttackStage, number>();
  let damage: number | null = null;
  const ranges: { start: string; end: string }[] = [];
  let rangeStart = first.time;
  let prev = first.time;
  for (const ev of events) {
    const stage = stageOf.get(ev.id) ?? 'none';
    if (!stages.has(stage)) stages.set(stage, ev.time);
    if (damage === null && DAMAGE_STAGES.has(stage) && ev.status < 400) damage = ev.time;
    if (ev.time - prev > HOUR) {
      ranges.push({ start: iso(rangeStart), end: iso(prev) });
      rangeStart = ev.time;
    }
    prev = ev.time;
  }
  ranges.push({ start: iso(rangeStart), end: iso(prev) });
  return {
    kind,
    start: iso(first.time),
    end: iso(last.time),
    first_damage: damage === null ? null : iso(damage),
    stages: [...stages].sort((a, b) => a[1] - b[1]).map(([stage, t]) => ({ stage, first: iso(t) })),
    ranges,
    event_ids: events.map((e) => e.id),
    source: { networks: [...used.networks], asns: [...used.asns], countries: [...used.countries], user_agents: [...used.uas] },
  };
}
