import type { AccessEvent } from '@tokenwarden/core';
import { newId } from '@tokenwarden/core';

/** Who is calling: their address as the TLS-terminating proxy reports it, and their client. */
export interface Persona {
  name: string;
  ip: string;
  userAgent: string;
}

/** One request through the gateway and what came back. */
export interface CallResult {
  method: string;
  path: string;
  status: number;
  body: unknown;
  at: string;
}

/**
 * Calls the API through the gateway as `persona` would: the demo's traffic player stands in for
 * the TLS-terminating load balancer in front of the gateway, so it sets X-Forwarded-For and
 * X-Forwarded-Proto, and the gateway trusts them from loopback only (its `trusted_proxies`).
 *
 * @example
 * ```ts
 * const r = await call(gatewayUrl, alice, key, 'GET', '/api/me');
 * ```
 */
export async function call(
  base: string,
  persona: Persona,
  credential: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<CallResult> {
  const at = new Date().toISOString();
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${credential}`,
      'x-forwarded-for': persona.ip,
      'x-forwarded-proto': 'https',
      'user-agent': persona.userAgent,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // keep the text
  }
  return { method, path, status: res.status, body: parsed, at };
}

/** A person's or service's habits, for the history the detectors learn from. */
export interface Habit {
  persona: Persona;
  credentialId: string;
  principal: string;
  /** UTC offset in hours of their working day. */
  utcOffset: number;
  /** Local working hours [from, to). */
  hours: [number, number];
  weekdaysOnly: boolean;
  requestsPerDay: number;
  paths: readonly string[];
}

/**
 * Generates `days` of past access events for a habit, as the gateway would have recorded them:
 * working hours in the person's time zone, weekdays, their address and client, their usual paths.
 * These are what the detectors' baselines learn from before the live part of the demo.
 *
 * @example
 * ```ts
 * const events = history(aliceHabit, 21, Date.now(), seededRandom(1));
 * ```
 */
export function history(habit: Habit, days: number, now: number, rnd: () => number): AccessEvent[] {
  const out: AccessEvent[] = [];
  const dayMs = 86_400_000;
  const startDay = Math.floor(now / dayMs) - days;
  for (let d = startDay; d < startDay + days; d++) {
    const weekday = new Date(d * dayMs).getUTCDay();
    if (habit.weekdaysOnly && (weekday === 0 || weekday === 6)) continue;
    const n = Math.max(1, Math.round(habit.requestsPerDay * (0.6 + rnd() * 0.8)));
    for (let i = 0; i < n; i++) {
      const localHour = habit.hours[0] + rnd() * (habit.hours[1] - habit.hours[0]);
      const ts = d * dayMs + (localHour - habit.utcOffset) * 3_600_000 + Math.floor(rnd() * 60_000);
      if (ts >= now - 3_600_000) continue;
      const path = habit.paths[Math.floor(rnd() * habit.paths.length)] as string;
      out.push({
        id: newId('evt'),
        time: new Date(ts).toISOString(),
        credential_id: habit.credentialId,
        credential_kind: 'api_key',
        principal: habit.principal,
        source_ip: habit.persona.ip,
        user_agent: habit.persona.userAgent,
        method: 'GET',
        path,
        outcome: 'success',
        status: 200,
        bytes_out: 200 + Math.floor(rnd() * 3000),
        source_system: 'gateway',
      });
    }
  }
  return out.sort((a, b) => a.time.localeCompare(b.time));
}
