import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/prng.js';
import { planUser } from '../../src/traffic/user-plan.js';
import { userTraffic } from '../../src/traffic/user-traffic.js';

const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 2);

function localHour(timeZone: string, at: number): number {
  return Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: 'numeric', hourCycle: 'h23' }).format(new Date(at)));
}

// Labels carry no trip times, so the whole-output test can only bound the gap at the border; here the plan is at
// hand and every event can be checked against where its person is.
test('a traveller is only ever where the trip puts them: home, never on the plane, abroad only between the flights', () => {
  let trips = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const plan = planUser(new Rng(seed).fork('user-1'), 1, 'traveller', START, 30);
    const trip = plan.trip;
    assert.ok(trip, 'a traveller has a trip');
    trips++;
    const departs = localHour(plan.timeZone, trip.departAt);
    assert.ok(departs >= 7 && departs <= 16, `seed ${seed}: leaves at ${departs}:00 at home, not in the small hours`);
    const abroadBlock = trip.net.blocks[0] as string;
    let abroad = 0;
    for (const e of userTraffic(plan, START, START + 30 * DAY)) {
      const there: boolean = e.ip.startsWith(`${abroadBlock}.`);
      const inAir: boolean = (e.time >= trip.departAt && e.time < trip.arriveAt) || (e.time >= trip.returnAt && e.time < trip.backAt);
      assert.equal(inAir, false, `seed ${seed}: no request from a plane (${new Date(e.time).toISOString()})`);
      const away: boolean = e.time >= trip.arriveAt && e.time < trip.returnAt;
      assert.equal(
        there,
        away,
        `seed ${seed}: ${e.ip} at ${new Date(e.time).toISOString()} is ${there ? 'abroad' : 'home'}, the trip says otherwise`,
      );
      if (there) abroad++;
    }
    assert.ok(abroad > 0, `seed ${seed}: works during the trip`);
  }
  assert.equal(trips, 40);
});
