import { type AccessEvent, seededRandom } from '@tokenwarden/core';
import { history } from '../../src/demo/traffic.js';

/** Alice, whose habits the baseline learns. */
export const ALICE = {
  name: 'alice',
  ip: '91.64.12.34',
  userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
};
export const ATTACKER_IP = '159.89.214.31';
export const BUS = { driver: 'memory', url: 'nats://127.0.0.1:4222', stream_prefix: 'TOKENWARDEN' } as const;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The attack burst of the demo scenario, as the gateway records it: validity check, discovery, collection, persistence, evasion. */
export function attackerBurst(credentialId: string, start: number, idPrefix = 'evt_attack_'): AccessEvent[] {
  const calls: [string, string, number][] = [
    ['GET', '/api/me', 200],
    ['GET', '/api/admin/export', 200],
    ['GET', '/api/internal/config', 404],
    ['GET', '/api/admin/settings', 200],
    ['GET', '/api/users', 200],
    ['GET', '/api/billing/invoices', 404],
    ['POST', '/api/admin/keys', 201],
    ['POST', '/api/admin/users', 201],
    ['PUT', '/api/admin/alerts', 200],
  ];
  return calls.map(([method, path, status], i) => ({
    id: `${idPrefix}${String(i).padStart(2, '0')}`,
    time: new Date(start + i * 40).toISOString(),
    credential_id: credentialId,
    credential_kind: 'api_key',
    principal: 'alice',
    source_ip: ATTACKER_IP,
    user_agent: 'curl/8.5.0',
    method,
    path,
    outcome: status < 400 ? 'success' : 'failure',
    status,
    bytes_out: 512,
    source_system: 'gateway',
  }));
}

/** Polls `check` until it holds, or fails naming `what`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Three weeks of Alice's office-hours requests with one credential: what the baseline learns before the attack. */
export function aliceBaseline(credentialId: string): AccessEvent[] {
  return history(
    {
      persona: ALICE,
      credentialId,
      principal: 'alice',
      utcOffset: 1,
      hours: [8, 19],
      weekdaysOnly: true,
      requestsPerDay: 25,
      paths: ['/api/me', '/api/projects', '/api/projects/1', '/api/users', '/api/admin/settings'],
    },
    21,
    Date.now(),
    seededRandom(7),
  );
}
