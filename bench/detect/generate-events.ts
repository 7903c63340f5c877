import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { seededRandom } from '@tokenwarden/core';

const USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36 Edg/125.0',
  'aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0 exe/x86_64.ubuntu.22',
  'python-requests/2.31.0',
  'Go-http-client/2.0',
  'okhttp/4.12.0',
];
const OPERATIONS = [
  'GET /v1/me',
  'GET /v1/orders',
  'GET /v1/orders/{id}',
  'POST /v1/orders',
  'GET /v1/customers',
  'GET /v1/reports',
  'PUT /v1/settings',
  'GET /v1/invoices',
];

/** A public-looking IPv4 address (first octet 11-223, skipping private and reserved blocks). */
export function randomPublicIp(rnd: () => number): string {
  let a = 11 + Math.floor(rnd() * 212);
  if (a === 127 || a === 100 || a === 172 || a === 192 || a === 169) a = 81;
  return `${a}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${1 + Math.floor(rnd() * 254)}`;
}

interface CredentialHabit {
  ips: string[];
  ua: string;
  ops: string[];
}

/** How repetitive the generated data is (the enrichment caches depend on it, as on real logs). */
export interface GeneratedStats {
  events: number;
  credentials: number;
  distinct_ips: number;
  distinct_user_agents: number;
  distinct_ip_prefixes_24: number;
  description: string;
}

/**
 * Writes `count` native access events (JSON lines) for `credentials` credentials, each with its
 * own few IPs, one client and a handful of operations, in event-time order over a week. As in
 * real logs, a credential keeps coming back from the same addresses and client, so IPs and user
 * agents repeat heavily; the returned stats say how much.
 */
export async function writeNativeEvents(path: string, count: number, credentials: number, seed = 42): Promise<GeneratedStats> {
  const rnd = seededRandom(seed);
  const habits: CredentialHabit[] = [];
  for (let c = 0; c < credentials; c++) {
    // A home network: the same /24, as an office or a home router hands out.
    const home = randomPublicIp(rnd).split('.').slice(0, 3).join('.');
    const ips = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => `${home}.${1 + Math.floor(rnd() * 254)}`);
    const ops = Array.from({ length: 3 + Math.floor(rnd() * 5) }, () => OPERATIONS[Math.floor(rnd() * OPERATIONS.length)] as string);
    habits.push({ ips, ua: USER_AGENTS[Math.floor(rnd() * USER_AGENTS.length)] as string, ops });
  }
  const out = createWriteStream(path);
  const start = Date.UTC(2026, 0, 5);
  const step = (7 * 86_400_000) / count;
  let batch: string[] = [];
  const ips = new Set<string>();
  const agents = new Set<string>();
  for (let i = 0; i < count; i++) {
    const c = Math.floor(rnd() * credentials);
    const h = habits[c] as CredentialHabit;
    const op = h.ops[Math.floor(rnd() * h.ops.length)] as string;
    const fail = rnd() < 0.02;
    // Same draw order as always, so the data set is the one earlier results were measured on.
    const ip = h.ips[Math.floor(rnd() * h.ips.length)] as string;
    ips.add(ip);
    agents.add(h.ua);
    batch.push(
      JSON.stringify({
        id: `evt-${i}`,
        time: new Date(start + Math.floor(i * step)).toISOString(),
        credential_id: `cred-${c}`,
        principal: `user-${c}`,
        source_ip: ip,
        user_agent: h.ua,
        operation: op,
        method: op.split(' ')[0],
        path: op.split(' ')[1]?.replace('{id}', String(Math.floor(rnd() * 1000))),
        outcome: fail ? 'failure' : 'success',
        status: fail ? 403 : 200,
        bytes_out: Math.floor(rnd() * 20_000),
        source_system: 'gateway',
      }),
    );
    if (batch.length === 10_000) {
      if (!out.write(`${batch.join('\n')}\n`)) await once(out, 'drain');
      batch = [];
    }
  }
  if (batch.length > 0) out.write(`${batch.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
  const prefixes = new Set<string>();
  for (const ip of ips) prefixes.add(ip.slice(0, ip.lastIndexOf('.')));
  return {
    events: count,
    credentials,
    distinct_ips: ips.size,
    distinct_user_agents: agents.size,
    distinct_ip_prefixes_24: prefixes.size,
    description:
      'each credential has 1-3 addresses in one /24 (a home or office network) and one client, reused on every event, like real logs; addresses are drawn from random public /24s, so IP-intelligence lookups miss once per address',
  };
}
