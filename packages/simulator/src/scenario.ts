import { userAgentOf } from './model/clients.js';
import { ATTACK_KINDS, type AttackKind, type CredentialLabel, type HardNegative } from './model/labels.js';
import { newCredential, type SimEvent } from './model/sim-event.js';
import { Rng } from './prng.js';
import { playAttack, type Victim } from './traffic/attacks.js';
import { planService, type ServicePlan, serviceTraffic } from './traffic/services.js';
import { planUser, type UserPlan } from './traffic/user-plan.js';
import { userTraffic } from './traffic/user-traffic.js';

const DAY = 86_400_000;

/** What to simulate. */
export interface SimulationOptions {
  seed: number;
  days: number;
  users: number;
  services: number;
  attacks: number;
  /** UTC milliseconds of the first simulated instant. */
  start: number;
}

/** Defaults of `tokenwarden simulate`: a fixed start so that a seed alone decides the output. */
export const DEFAULT_SIMULATION: SimulationOptions = {
  seed: 1,
  days: 30,
  users: 50,
  services: 10,
  attacks: 5,
  start: Date.UTC(2026, 10, 2),
};

/** A planned simulation: the event streams to merge and the ground truth about every credential. */
export interface Scenario {
  options: SimulationOptions;
  end: number;
  streams: Iterable<SimEvent>[];
  credentials: CredentialLabel[];
}

const USER_HARD_NEGATIVES: HardNegative[] = ['traveller', 'new_device', 'on_call', 'new_employee', 'key_rotation', 'shared_office_vpn'];

function describeUser(u: UserPlan): string {
  const client =
    u.client.type === 'browser' ? `${u.client.browser.browser}/${u.client.browser.os}` : `${u.client.tool.tool}/${u.client.tool.os}`;
  return `${u.role} in ${u.timeZone}, home ${u.home.id}${u.office ? `, office ${u.office.id}` : ''}, ${client}`;
}

/**
 * Plans a whole simulation from options: people, services, hard negatives and attacks. Nothing is
 * generated yet; the streams are lazy.
 *
 * @example
 * ```ts
 * const plan = planScenario({ ...DEFAULT_SIMULATION, seed: 7 });
 * for (const ev of mergeByTime(plan.streams)) count++;
 * ```
 */
export function planScenario(options: SimulationOptions): Scenario {
  const root = new Rng(options.seed);
  const { start, days } = options;
  const end = start + days * DAY;
  const pick = root.fork('assignments');

  // Hard negatives go to a quarter of the people (at least one of each when there are enough),
  // never to person 0, who is the administrator that onboards new colleagues.
  const hnCount = Math.min(options.users - 1, Math.max(USER_HARD_NEGATIVES.length, Math.floor(options.users * 0.25)));
  const hnSlots = pick.shuffle(Array.from({ length: Math.max(0, options.users - 1) }, (_, i) => i + 1)).slice(0, Math.max(0, hnCount));
  const hnOf = new Map<number, HardNegative>(
    hnSlots.map((idx, k) => [idx, USER_HARD_NEGATIVES[k % USER_HARD_NEGATIVES.length] as HardNegative]),
  );

  const users: UserPlan[] = [];
  for (let i = 0; i < options.users; i++) {
    users.push(planUser(root.fork(`user-${i}`), i, hnOf.get(i) ?? 'none', start, days, i === 0 ? 'admin' : undefined));
  }
  const admin = users[0];
  for (const u of users) if (u.joinAt !== undefined && admin && admin !== u) admin.onboards.push({ at: u.joinAt, userName: u.name });

  const services: ServicePlan[] = [];
  for (let i = 0; i < options.services; i++) services.push(planService(root.fork(`service-${i}`), i, start, days));

  const credentials: CredentialLabel[] = [];
  const labelOf = new Map<string, CredentialLabel>();
  const add = (l: CredentialLabel): void => {
    credentials.push(l);
    labelOf.set(l.credential, l);
  };
  for (const u of users) {
    add({
      credential: u.credential.id,
      principal: u.name,
      holder: 'user',
      label: 'benign',
      hard_negative: u.hardNegative,
      profile: describeUser(u),
    });
    if (u.rotation)
      add({
        credential: u.rotation.next.id,
        principal: u.name,
        holder: 'user',
        label: 'benign',
        hard_negative: 'key_rotation',
        profile: `${describeUser(u)} (new key after rotation)`,
      });
  }
  for (const s of services) {
    add({
      credential: s.credential.id,
      principal: s.name,
      holder: 'service',
      label: 'benign',
      hard_negative: s.hardNegative,
      profile: `${s.kind} on ${s.net.id}, ${s.tool.tool}`,
    });
  }

  const streams: Iterable<SimEvent>[] = [
    ...users.map((u) => userTraffic(u, start, end)),
    ...services.map((s) => serviceTraffic(s, start, end)),
  ];

  // Attacks: ordinary people and pipelines are the victims, so that hard negatives stay clean.
  const ordinary = pick.shuffle(users.filter((u) => u.hardNegative === 'none' && u !== admin && u.joinAt === undefined));
  // Leaked CI keys: the deploy pipeline first; the self-hosted runner last, because it carries a hard negative.
  const replayOrder = ['ci-deploy', 'data-pipeline', 'ci-runner'];
  const pipelines = services
    .filter((s) => replayOrder.includes(s.kind))
    .sort((a, b) => replayOrder.indexOf(a.kind) - replayOrder.indexOf(b.kind));
  for (let a = 0; a < options.attacks; a++) {
    const kind = ATTACK_KINDS[a % ATTACK_KINDS.length] as AttackKind;
    const arng = root.fork(`attack-${a}`);
    let victim: Victim | undefined;
    // The label of a credential that exists only for this attack, added once the attack has played.
    let dormant: CredentialLabel | undefined;
    if (kind === 'ci_token_replay') {
      const s = pipelines.shift();
      if (s) victim = { credential: s.credential, timeZone: 'UTC', country: 'US', userAgentAt: () => '', tool: s.tool, privileged: true };
    } else if (kind === 'dormant_key' || kind === 'leaked_key_abuse') {
      // Its holder has no traffic in the window at all: nothing to learn a baseline from.
      const name = `legacy-${arng.pick(['build', 'deploy', 'backup', 'etl', 'reporting'])}-${a}`;
      const credential = newCredential(arng, name, false);
      dormant = {
        credential: credential.id,
        principal: name,
        holder: 'service',
        label: 'benign',
        hard_negative: 'none',
        profile: 'retired pipeline user; its key was pushed to a public repository and is not used before the attack',
      };
      victim = { credential, timeZone: 'UTC', country: 'US', userAgentAt: () => '', privileged: true };
    } else {
      const wantBrowser = kind === 'residential_proxy';
      const idx = ordinary.findIndex((u) => !wantBrowser || u.client.type === 'browser');
      const u = ordinary.splice(Math.max(idx, 0), 1)[0];
      if (u) {
        victim = {
          credential: u.credential,
          timeZone: u.timeZone,
          country: u.country,
          userAgentAt: (t) => userAgentOf(u.client, t),
          privileged: u.role === 'admin' || u.role === 'sre',
        };
      }
    }
    if (!victim) continue;
    // Attacks start after a third of the window, so every detector has a baseline to compare with.
    const latest = kind === 'low_and_slow' ? 0.7 : 0.9;
    const day = start + Math.floor(days * arng.float(0.35, latest)) * DAY;
    const window = { start, end };
    const run =
      playAttack(arng, kind, victim, day, window) ??
      playAttack(root.fork(`attack-${a}-retry`), kind, victim, start + Math.floor(days * 0.4) * DAY, window);
    if (!run) continue;
    if (dormant) add(dormant);
    const label = labelOf.get(victim.credential.id);
    if (!label) continue;
    label.label = 'attack';
    label.attack = run.label;
    streams.push(run.events);
  }
  return { options, end, streams, credentials };
}
