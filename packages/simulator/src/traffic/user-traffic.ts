import { atLocalHour, localDay, publicHolidays } from '../model/calendar.js';
import { type ClientProfile, userAgentOf } from '../model/clients.js';
import { hostIn, type Network } from '../model/networks.js';
import { op } from '../model/operations.js';
import { type EventDraft, makeEvent, type SimCredential, type SimEvent } from '../model/sim-event.js';
import { type Intent, incidentIntent, nextIntent } from './roles.js';
import type { UserPlan } from './user-plan.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Where a person is connected from for a stretch of time. */
interface Place {
  net: Network;
  ip: string;
}

function cliCommand(name: string): string {
  const [svc, action] = name.split(':') as [string, string];
  return `${svc}.${action.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}`;
}

/**
 * Plays out one person's habits as a time-ordered stream of events between `start` and `end`,
 * one local day at a time (so memory stays bounded whatever the length).
 *
 * @example
 * ```ts
 * for (const ev of userTraffic(plan, start, end)) write(ev);
 * ```
 */
export function* userTraffic(p: UserPlan, start: number, end: number): Generator<SimEvent> {
  const rng = p.rng;
  let homeHost = hostIn(rng, p.homeBlock);
  const holidays = new Map<number, Set<string>>();
  const isHoliday = (date: string): boolean => {
    const year = Number(date.slice(0, 4));
    let set = holidays.get(year);
    if (!set) {
      set = publicHolidays(p.country, year);
      holidays.set(year, set);
    }
    return set.has(date);
  };
  let rotated = false;
  const days = Math.ceil((end - start) / DAY) + 1;
  for (let d = -1; d < days; d++) {
    const noon = start + d * DAY + 12 * HOUR;
    const trip = p.trip;
    const away = trip !== undefined && noon > trip.arriveAt && noon < trip.returnAt;
    const zone = away ? trip.timeZone : p.timeZone;
    const day = localDay(zone, noon);
    if (p.joinAt !== undefined && day.midnightUtc + DAY < p.joinAt) continue;
    if (rng.chance(0.04)) homeHost = hostIn(rng, p.homeBlock); // DHCP lease renewed
    const out: SimEvent[] = [];
    const credentialAt = (t: number): SimCredential => (p.rotation && rotated && t >= p.rotation.at ? p.rotation.next : p.credential);
    const clientAt = (t: number): ClientProfile => (p.deviceChange && t >= p.deviceChange.at ? p.deviceChange.client : p.client);
    // Where the person can be at `t`: nowhere on a plane, only at the destination between landing and the flight
    // back, never there otherwise. A day is planned as home or away by its noon, so without this the rest of the
    // departure day's evening would still come from home after landing abroad, faster than any plane.
    const misplaced = (t: number, place: Place): boolean => {
      if (trip === undefined) return false;
      if ((t >= trip.departAt && t < trip.arriveAt) || (t >= trip.returnAt && t < trip.backAt)) return true;
      return (t >= trip.arriveAt && t < trip.returnAt) !== (place.net === trip.net);
    };
    const emit = (t: number, place: Place, intent: Intent, extra: Partial<EventDraft> = {}): void => {
      if (t < start || t >= end || misplaced(t, place)) return;
      const client = clientAt(t);
      const o = op(intent.op);
      let status = 200;
      let errorCode: string | undefined;
      const roll = rng.next();
      if (roll < 0.012) status = 403;
      else if (roll < 0.02 && o.name === 's3:GetObject') {
        status = 404;
        errorCode = 'NoSuchKey';
      } else if (roll < 0.023) status = 429;
      const draft: EventDraft = {
        time: t,
        credential: credentialAt(t),
        ip: place.ip,
        userAgent: userAgentOf(client, t, client.type === 'tool' ? cliCommand(o.name) : ''),
        op: o,
        interactive: client.type === 'browser',
        status,
        region: p.country === 'US' || p.country === 'CA' || rng.chance(0.6) ? 'us-east-1' : 'eu-west-1',
        ...extra,
      };
      if (intent.resource !== undefined) draft.resource = intent.resource;
      if (intent.requestParameters) draft.requestParameters = intent.requestParameters;
      if (errorCode) draft.errorCode = errorCode;
      out.push(makeEvent(rng, draft));
    };
    const burst = (t0: number, place: Place, makeIntent: (t: number) => Intent, meanSize: number): number => {
      const client = clientAt(t0);
      let t = t0;
      if (client.type === 'browser' && rng.chance(0.5)) emit(t, place, { op: 'sts:GetCallerIdentity' });
      const n = 1 + rng.poisson(meanSize - 1);
      for (let i = 0; i < n; i++) {
        t += client.type === 'browser' ? rng.float(0.2, 25) * 1000 : rng.float(3, 90) * 1000;
        emit(t, place, makeIntent(t));
      }
      return t;
    };
    const homePlace = (vpnShare: number): Place =>
      rng.chance(vpnShare) ? { net: p.vpn, ip: hostIn(rng, p.vpn.blocks[0] as string) } : { net: p.home, ip: homeHost };
    const vpnShare = p.vpnFrom !== undefined ? (day.midnightUtc >= p.vpnFrom ? 0.85 : 0) : p.vpnShare;
    const dayOff = day.weekday === 0 || day.weekday === 6 || isHoliday(day.date) || p.vacation.has(day.date);
    const meanSize = p.client.type === 'browser' ? 5 : p.role === 'data' ? 7 : 3;

    if (away && trip) {
      // Working from a hotel: same laptop, local working hours of the destination.
      if (!dayOff || rng.chance(0.3)) {
        const place = { net: trip.net, ip: hostIn(rng, trip.net.blocks[0] as string) };
        workSessions(p, day, zone, (t0, t1) => {
          for (let t = t0 + rng.exponential(HOUR / p.burstsPerHour); t < t1; t += rng.exponential(HOUR / p.burstsPerHour)) {
            t = burst(t, place, (tt) => nextIntent(rng, p.role, tt), meanSize);
          }
        });
      }
    } else if (dayOff) {
      if (rng.chance(0.08)) {
        const t0 = atLocalHour(day, zone, rng.float(10, 22));
        burst(t0, homePlace(0), (tt) => nextIntent(rng, p.role, tt), meanSize);
      }
    } else {
      const inOffice = p.office !== undefined && p.officeDays.has(day.weekday);
      const officeNet = p.office;
      const place: Place =
        inOffice && officeNet ? { net: officeNet, ip: `${officeNet.blocks[0]}.${10 + (rng.u32() % 4)}` } : homePlace(vpnShare);
      if (p.rotation && !rotated && p.rotation.at < day.midnightUtc + DAY) {
        // The owner rotates on the first working day on or after the planned date, mid-morning.
        p.rotation.at = atLocalHour(day, zone, p.workStart + 1.5);
        rotated = true;
        rotateKey(p, place, emit);
      }
      const mobileBurst = p.mobile && rng.chance(0.05) ? rng.float(0, 1) : -1;
      workSessions(p, day, zone, (t0, t1) => {
        for (let t = t0 + rng.exponential(HOUR / p.burstsPerHour); t < t1; t += rng.exponential(HOUR / p.burstsPerHour)) {
          const onPhone = p.mobile && mobileBurst >= 0 && Math.abs((t - t0) / (t1 - t0) - mobileBurst) < 0.05;
          const here = onPhone && p.mobile ? { net: p.mobile, ip: hostIn(rng, p.mobile.blocks[0] as string) } : place;
          t = burst(t, here, (tt) => nextIntent(rng, p.role, tt), meanSize);
        }
      });
      if (rng.chance(0.1)) {
        // Catching up in the evening from the sofa.
        const t0 = atLocalHour(day, zone, rng.float(19.5, 22.5));
        burst(t0, homePlace(vpnShare), (tt) => nextIntent(rng, p.role, tt), meanSize);
      }
      for (const ob of p.onboards) {
        if (ob.at >= day.midnightUtc && ob.at < day.midnightUtc + DAY) onboard(p, day.midnightUtc, zone, place, ob.userName, emit);
      }
    }
    if (p.onCallWeeks?.has(Math.floor((day.midnightUtc - start) / (7 * DAY))) && rng.chance(0.4)) {
      // Paged at night: a flurry of log searches and restarts from home, then back to bed.
      const t0 = atLocalHour(day, zone, rng.float(0.5, 4.5));
      const t1 = t0 + rng.float(10, 50) * 60_000;
      const place = homePlace(vpnShare);
      for (let t = t0; t < t1; t += rng.exponential(40_000)) emit(t, place, incidentIntent(rng, t));
    }
    out.sort((a, b) => a.time - b.time);
    yield* out;
  }
}

/** Calls `fn` for the morning and afternoon stretches of a working day, around lunch. */
function workSessions(p: UserPlan, day: ReturnType<typeof localDay>, zone: string, fn: (from: number, to: number) => void): void {
  const rng = p.rng;
  const begin = p.workStart + rng.normal(0, 0.35);
  const lunch = Math.max(begin + 2, rng.normal(12.3, 0.3));
  const lunchLen = rng.float(0.4, 1);
  const finish = begin + p.workHours + lunchLen + rng.normal(0, 0.4);
  fn(atLocalHour(day, zone, begin), atLocalHour(day, zone, lunch));
  fn(atLocalHour(day, zone, lunch + lunchLen), atLocalHour(day, zone, finish));
}

type Emit = (t: number, place: Place, intent: Intent, extra?: Partial<EventDraft>) => void;

/** The owner replaces their own access key: create the new one, switch, deactivate and delete the old one. */
function rotateKey(p: UserPlan, place: Place, emit: Emit): void {
  const r = p.rotation;
  if (!r) return;
  const self = { userName: p.name };
  let t = r.at - 60_000;
  emit(t, place, { op: 'iam:ListAccessKeys', resource: p.name, requestParameters: self }, { credential: p.credential });
  t += 20_000;
  emit(
    t,
    place,
    { op: 'iam:CreateAccessKey', resource: p.name, requestParameters: self },
    {
      credential: p.credential,
      status: 200,
      responseElements: {
        accessKey: { accessKeyId: r.next.id, userName: p.name, status: 'Active', createDate: new Date(t).toISOString() },
      },
    },
  );
  t = r.at + 90_000;
  emit(t, place, { op: 'sts:GetCallerIdentity' }, { credential: r.next, status: 200 });
  t += 40_000;
  emit(
    t,
    place,
    { op: 'iam:UpdateAccessKey', resource: p.name, requestParameters: { ...self, accessKeyId: p.credential.id, status: 'Inactive' } },
    { credential: r.next, status: 200 },
  );
  t += 25 * 60_000;
  emit(
    t,
    place,
    { op: 'iam:DeleteAccessKey', resource: p.name, requestParameters: { ...self, accessKeyId: p.credential.id } },
    { credential: r.next, status: 200 },
  );
}

/** An administrator creates a new colleague's user and key on their first morning. */
function onboard(p: UserPlan, midnight: number, zone: string, place: Place, userName: string, emit: Emit): void {
  const day = localDay(zone, midnight + 12 * HOUR);
  let t = atLocalHour(day, zone, p.workStart + 0.5);
  for (const [name, params] of [
    ['iam:CreateUser', { userName }],
    ['iam:AddUserToGroup', { userName, groupName: 'engineers' }],
    ['iam:CreateLoginProfile', { userName, passwordResetRequired: true }],
    ['iam:CreateAccessKey', { userName }],
  ] as const) {
    t += p.rng.float(20, 120) * 1000;
    emit(t, place, { op: name, resource: userName, requestParameters: params }, { status: 200 });
  }
}
