// Pieces shared by the gateway benchmark (run.ts) and its profiler (profile.ts): the server
// children, one autocannon load, and DPoP clients with proofs signed ahead of the load.
import { createHash, KeyObject, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { benchChildren, startBenchChild, stopBenchChildren } from '../support/bench-child.js';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const connections = 10;

/** CPU seconds (user + system, every thread) a child has used so far, from /proc (Linux). */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Process ids of the children started so far, in start order. */
export function childPids(): number[] {
  return benchChildren.map((c) => c.pid as number);
}

/** Starts a `servers.ts` child and resolves with the JSON line it prints when ready. */
export function child<T>(args: string[], nodeArgs: string[] = []): Promise<T> {
  return startBenchChild<T>('bench/gateway/servers.ts', args, nodeArgs);
}

export { stopBenchChildren as stopChildren };

/** One load run's numbers. */
export interface Result {
  name: string;
  requests_per_sec: number;
  p50_ms: number;
  p99_ms: number;
  non_2xx: number;
  errors: number;
  /**
   * CPU µs per completed request of every process the request passes through (the load generator,
   * which is this process, and the server children named by the caller), all threads.
   */
  cpu_us_per_request: number;
}

/** Loads `url` for `seconds` with `connections` connections; `perRequest` adds headers to each request. */
export async function load(
  name: string,
  url: string,
  seconds: number,
  headers: Record<string, string> = {},
  perRequest?: () => Record<string, string>,
  pids: readonly number[] = [],
): Promise<Result> {
  const options: autocannon.Options = { url, connections, duration: seconds, headers };
  if (perRequest) {
    // autocannon hands setupRequest a fresh copy of the request and its headers each time: add the
    // per-request headers to it rather than copying it twice more on the shared cores.
    options.requests = [
      {
        setupRequest: (req) => {
          Object.assign(req.headers as Record<string, string>, perRequest());
          return req;
        },
      },
    ];
  }
  const cpu0 = pids.map(cpuSecondsOf);
  const self0 = process.cpuUsage();
  const result = await autocannon(options);
  const self = process.cpuUsage(self0);
  const cpu = pids.reduce((sum, pid, i) => sum + cpuSecondsOf(pid) - (cpu0[i] as number), (self.user + self.system) / 1e6);
  const r: Result = {
    name,
    requests_per_sec: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    non_2xx: result.non2xx,
    errors: result.errors,
    cpu_us_per_request: Number(((cpu * 1e6) / Math.max(1, result.requests.total)).toFixed(1)),
  };
  process.stderr.write(
    `${name.padEnd(50)} ${String(r.requests_per_sec).padStart(7)} req/s  p50 ${r.p50_ms} ms  p99 ${r.p99_ms} ms  non-2xx ${r.non_2xx}  cpu ${r.cpu_us_per_request} µs/req\n`,
  );
  return r;
}

export type ProofAlg = 'EdDSA' | 'ES256';
export type DpopClient = Awaited<ReturnType<typeof dpopClient>>;

/** A DPoP client key: the proxy child binds one token to each key's thumbprint. */
export async function dpopClient(alg: ProofAlg) {
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
  const jwk = await exportJWK(publicKey);
  return { alg, privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

/**
 * One fresh proof per request (a replayed proof is refused); signed ahead of the run so the load
 * generator does not spend the shared cores signing (with node:crypto directly: the same compact
 * JWS jose's SignJWT makes, in a fraction of the time). `tag` keeps the jti values of two proof
 * sets of one client apart.
 */
export function signProofs(client: DpopClient, htu: string, token: string, count: number, tag = ''): string[] {
  const ath = createHash('sha256').update(token).digest('base64url');
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = b64({ alg: client.alg, typ: 'dpop+jwt', jwk: client.jwk });
  const key = KeyObject.from(client.privateKey);
  const signer = client.alg === 'EdDSA' ? key : { key, dsaEncoding: 'ieee-p1363' as const };
  const digest = client.alg === 'EdDSA' ? null : 'sha256';
  const iat = Math.floor(Date.now() / 1000);
  const proofs: string[] = [];
  for (let i = 0; i < count; i++) {
    const input = `${header}.${b64({ htm: 'GET', htu, ath, jti: `${client.alg}-${tag}${i}`, iat })}`;
    proofs.push(`${input}.${sign(digest, Buffer.from(input), signer).toString('base64url')}`);
  }
  return proofs;
}

/** Median of a non-empty list. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
