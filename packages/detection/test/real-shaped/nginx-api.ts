/**
 * Two weeks of a public API's access log: a partner's server-to-server key, an internal dashboard used from the
 * office, a nightly catalogue sync that walks product ids in order, CI smoke tests from GitHub-hosted runners; then
 * the partner key, leaked, replayed to walk user ids (BOLA) and probe admin paths, and the dashboard key used by a
 * thief at the same time as its owner.
 */
import type { Request } from './nginx-writer.js';
import { DAY, HOUR, MIN, type Prng, weekdays } from './prng.js';

export const START = Date.parse('2026-10-05T00:00:00Z');
const DAYS = 16;

export const TOKENS = {
  partner: 'Bearer tw_live_9f2KcQ1xLm0PzR7sVb4NdE6hYj3TgWu8',
  dashboard: 'Bearer tw_live_Hq5ZrT8mVx2LcN1bK7pW4sDf9GjY6eAu',
  catalog: 'Bearer tw_live_Ru3Lk8QzXc1VbN6mP2wT5yHs9DfG4jEa',
  ci: 'Bearer tw_test_Ab7Cd2Ef9Gh4Jk1Lm6Np3Qr8St5Uv0Wx',
} as const;

const PYTHON = 'python-requests/2.31.0';
const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const GO = 'Go-http-client/2.0';
const CURL = 'curl/8.5.0';

/** Everyone's benign requests. */
export function benignApi(rng: Prng): Request[] {
  const out: Request[] = [];
  for (let d = 0; d < DAYS; d++) {
    const day = START + d * DAY;
    // The partner: polls new orders every 15 minutes, fetches each, posts shipments; from its AWS servers.
    for (let t = day; t < day + DAY; t += 15 * MIN) {
      const client = rng.pick(['3.80.12.5', '3.80.12.6', '52.14.50.3']);
      const at = t + rng.int(0, 20_000);
      out.push({
        at,
        client,
        method: 'GET',
        path: `/api/v1/orders?since=${new Date(t - 15 * MIN).toISOString()}&limit=100`,
        status: 200,
        bytes: rng.int(400, 9000),
        ua: PYTHON,
        auth: TOKENS.partner,
      });
      for (let k = 0; k < rng.int(0, 3); k++) {
        const id = 480_000 + Math.floor((t - START) / MIN) + rng.int(0, 14);
        out.push({
          at: at + (k + 1) * 300,
          client,
          method: 'GET',
          path: `/api/v1/orders/${id}`,
          status: 200,
          bytes: rng.int(900, 3000),
          ua: PYTHON,
          auth: TOKENS.partner,
        });
        out.push({
          at: at + (k + 1) * 300 + 150,
          client,
          method: 'POST',
          path: `/api/v1/orders/${id}/shipments`,
          status: 201,
          bytes: 212,
          ua: PYTHON,
          auth: TOKENS.partner,
        });
      }
    }
    // The nightly catalogue sync: every product in id order, 02:00 UTC, from a GCP VM.
    for (let id = 1; id <= 240; id++) {
      const status = id % 37 === 0 ? 404 : 200;
      out.push({
        at: day + 2 * HOUR + id * 350,
        client: '34.102.13.7',
        method: 'GET',
        path: `/api/v1/products/${id}`,
        status,
        bytes: status === 200 ? rng.int(700, 4000) : 61,
        ua: GO,
        auth: TOKENS.catalog,
      });
    }
  }
  for (const day of weekdays(START, DAYS)) {
    // The dashboard: support staff in the Chicago office look users and orders up, 9-17 local.
    for (let k = 0; k < rng.int(40, 90); k++) {
      const at = day + 14 * HOUR + rng.int(0, 8 * 60) * MIN;
      const path = rng.pick([
        `/api/v1/users/${rng.int(1, 90_000)}`,
        `/api/v1/orders/${rng.int(400_000, 500_000)}`,
        '/api/v1/users?email=j%40example.com',
        '/api/v1/me',
      ]);
      out.push({
        at,
        client: '99.44.12.8',
        method: 'GET',
        path,
        status: rng.next() < 0.04 ? 404 : 200,
        bytes: rng.int(300, 5000),
        ua: CHROME,
        auth: TOKENS.dashboard,
        referer: 'https://support.acme.io/',
      });
    }
    // CI smoke tests from GitHub-hosted runners (Azure, any region), a few runs a day; one test expects 401/404s.
    for (let run = 0; run < 3; run++) {
      const at = day + rng.int(13, 23) * HOUR;
      const client = rng.pick(['20.42.10.5', '40.78.10.3', '104.210.5.3', '13.64.10.5']);
      const paths: [string, string, number][] = [
        ['GET', '/healthz', 200],
        ['GET', '/api/v1/me', 200],
        ['POST', '/api/v1/orders', 201],
        ['GET', '/api/v1/orders/1', 404],
        ['GET', '/api/v1/admin/users', 403],
        ['DELETE', '/api/v1/orders/999999', 404],
      ];
      for (const [k, [method, path, status]] of paths.entries())
        out.push({ at: at + k * 800, client, method, path, status, bytes: 120, ua: CURL, auth: TOKENS.ci });
    }
  }
  return out;
}

/** The partner key, leaked, from a VPS in Tokyo on day 12 at night: whoami, a walk over user ids, admin paths. */
export function replayedPartnerKey(): { requests: Request[]; startAt: number; damageAt: number } {
  const t = START + 11 * DAY + 4 * HOUR + 7 * MIN;
  const out: Request[] = [];
  const r = (at: number, method: string, path: string, status: number, bytes = 160): Request => ({
    at,
    client: '45.77.10.3',
    method,
    path,
    status,
    bytes,
    ua: PYTHON,
    auth: TOKENS.partner,
  });
  out.push(r(t, 'GET', '/api/v1/me', 200, 310));
  let at = t + 40_000;
  let damageAt = 0;
  for (let id = 1; id <= 500; id++) {
    at += 180;
    const status = id % 7 === 3 ? 404 : 403;
    // The partner may read the users of its own orders: a few come back.
    const ok = id % 41 === 0;
    if (ok && damageAt === 0) damageAt = at;
    out.push(r(at, 'GET', `/api/v1/users/${id}`, ok ? 200 : status, ok ? 2300 : 70));
  }
  for (const path of [
    '/admin',
    '/api/v1/admin/users',
    '/api/internal/config',
    '/actuator/env',
    '/.env',
    '/api/v1/admin/settings',
    '/api/v2/users',
    '/api/v1/users/export',
    '/server-status',
    '/api/v1/admin/api-keys',
  ]) {
    at += 400;
    out.push(r(at, 'GET', path, path === '/api/v1/users/export' ? 403 : path.includes('admin') ? 403 : 404));
  }
  return { requests: out, startAt: t, damageAt };
}

/**
 * The dashboard key used from a residential address in Bordeaux while support works in Chicago; the thief sends
 * `X-Forwarded-For: <the office address>` to look like the office.
 */
export function concurrentDashboardKey(): { requests: Request[]; startAt: number; damageAt: number } {
  const day = weekdays(START, DAYS)[9]!;
  const t = day + 16 * HOUR + 3 * MIN;
  const out: Request[] = [];
  for (let k = 0; k < 30; k++) {
    out.push({
      at: t + k * 20_000,
      client: '90.60.10.3',
      method: 'GET',
      path: `/api/v1/users/${1000 + k * 17}`,
      status: 200,
      bytes: 2200,
      ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36',
      auth: TOKENS.dashboard,
      forgedForwardedFor: '99.44.12.8',
    });
  }
  out.push({
    at: t + 11 * MIN,
    client: '90.60.10.3',
    method: 'GET',
    path: '/api/v1/users/export?format=csv',
    status: 200,
    bytes: 48_000_000,
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36',
    auth: TOKENS.dashboard,
  });
  return { requests: out, startAt: t, damageAt: t + 11 * MIN };
}
