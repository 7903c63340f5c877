/**
 * Drives one token-service endpoint under load so its CPU profile can be read alone:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --conditions=source --import tsx bench/tokens/profile-endpoint.ts introspect
 *
 * Modes: `issue` (client_credentials), `introspect` (unknown opaque token), `introspect-jwt`.
 * The load generator (autocannon) runs in a child process, so the profile holds only the service.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { startBenchService } from './bench-service.js';

async function main(): Promise<void> {
  const mode = process.argv[2] ?? 'introspect';
  if (!['issue', 'introspect', 'introspect-jwt'].includes(mode))
    throw new Error(`unknown mode ${mode}: issue, introspect or introspect-jwt`);
  const { service, dataDir, issuer, form } = await startBenchService('tw-prof-tokens-');
  const issued = await fetch(`${issuer}/token`, { method: 'POST', headers: form, body: 'grant_type=client_credentials&scope=read' });
  const { access_token: jwt } = (await issued.json()) as { access_token: string };
  const body =
    mode === 'issue'
      ? 'grant_type=client_credentials&scope=read'
      : mode === 'introspect-jwt'
        ? `token=${jwt}`
        : `token=opaque-${'a'.repeat(40)}`;
  const path = mode === 'issue' ? '/token' : '/token/introspection';
  const args = ['autocannon', '-c', '16', '-d', process.env.BENCH_DURATION_S ?? '5', '-m', 'POST'];
  for (const [k, v] of Object.entries(form)) args.push('-H', `${k}=${v}`);
  args.push('-b', body, `${issuer}${path}`);
  const load = spawn('npx', args, { stdio: ['ignore', 'inherit', 'inherit'] });
  await new Promise((resolve) => load.on('close', resolve));
  await service.close();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  process.stderr.write(`profile failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
