import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TokenWardenError } from '@tokenwarden/core';
import type { Command } from 'commander';
import { runAction } from '../command-kit.js';
import { startDemoWorld } from '../demo/demo-world.js';
import { type Narrator, runScenario } from '../demo/scenario.js';
import { EXIT } from '../exit-codes.js';
import type { CommandModule } from '../program.js';
import { startResponseApi } from '../worker/response-api-server.js';

interface DemoOptions {
  data: string;
  tokenListen: string;
  gatewayListen: string;
  apiListen: string;
  serve: boolean;
  json?: boolean;
}

const MARKER = '.tokenwarden-demo';
const COLOUR: Record<Parameters<Narrator>[0], string> = {
  step: '\x1b[1;36m',
  alert: '\x1b[1;33m',
  incident: '\x1b[1;35m',
  action: '\x1b[1;32m',
  info: '\x1b[2m',
};
const LABEL: Record<Parameters<Narrator>[0], string> = {
  step: '==>',
  alert: 'ALERT',
  incident: 'INCIDENT',
  action: 'RESPONSE',
  info: '   ',
};

/** Prepares the demo's own data directory: created fresh, and only ever wiped when it is a demo directory. */
function freshDemoDir(dir: string): string {
  const abs = resolve(dir);
  if (existsSync(abs) && readdirSync(abs).length > 0) {
    if (!existsSync(join(abs, MARKER))) {
      throw new TokenWardenError('TW_USAGE', `${abs} exists and is not a demo directory`, {
        hint: 'pass an empty or new --data directory for the demo',
      });
    }
    rmSync(abs, { recursive: true, force: true });
  }
  mkdirSync(abs, { recursive: true, mode: 0o700 });
  writeFileSync(join(abs, MARKER), 'created by tokenwarden demo; wiped on the next demo run\n');
  return abs;
}

/**
 * `tokenwarden demo` (what `npm start` runs): the whole story on the embedded default, with no
 * servers: token service, gateway in front of a demo API, detection and response; benign users
 * and an attacker with a leaked key; live alerts, the incident, automatic containment and the
 * forensic report. Keeps serving afterwards and prints curl examples.
 *
 * @example
 * ```sh
 * tokenwarden demo --data ./.tokenwarden-demo
 * ```
 */
export const registerDemo: CommandModule = (program: Command) => {
  program
    .command('demo')
    .description('run the whole story on the embedded default: protect, detect, respond (what `npm start` runs)')
    .option('--data <dir>', 'demo data directory (wiped on every demo run)', './.tokenwarden-demo')
    .option('--token-listen <host:port>', 'token service address (port 0 = any free port)', '127.0.0.1:8080')
    .option('--gateway-listen <host:port>', 'gateway address (port 0 = any free port)', '127.0.0.1:8081')
    .option('--api-listen <host:port>', 'response API address while serving (taken port: any free port)', '127.0.0.1:8090')
    .option('--no-serve', 'exit after the story instead of serving')
    .option('--json', 'print the story result as JSON on stdout')
    .action(
      runAction(async (opts: DemoOptions) => {
        const dataDir = freshDemoDir(opts.data);
        const tty = process.stdout.isTTY && !opts.json;
        const narrate: Narrator = (kind, text) => {
          const line = `${LABEL[kind]} ${text}`;
          const out = opts.json ? process.stderr : process.stdout;
          out.write(tty ? `${COLOUR[kind]}${line}\x1b[0m\n` : `${line}\n`);
        };
        narrate('step', `TokenWarden demo: embedded default (SQLite in ${dataDir}, in-process bus)`);
        const world = await startDemoWorld({
          dataDir,
          tokenListen: opts.tokenListen,
          gatewayListen: opts.gatewayListen,
          audience: 'https://api.demo.tokenwarden.local',
        });
        let closeApi: (() => Promise<void>) | undefined;
        try {
          narrate('info', `token service ${world.issuer}   gateway ${world.gatewayUrl}`);
          const result = await runScenario(world, narrate);
          if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          if (!opts.serve) return EXIT.OK;
          const key = await world.service.admin.createApiKey({ subject: 'you', scopes: ['read'] });
          const responderKey = await world.service.admin.createApiKey({ subject: 'you', scopes: ['tokenwarden.respond'] });
          const apiOptions = {
            database: world.database,
            service: world.service,
            gateway: world.control,
            feedback: world.feedback,
            intel: world.intel,
          };
          const api = await startResponseApi({ ...apiOptions, listen: opts.apiListen }).catch(() =>
            startResponseApi({ ...apiOptions, listen: `${opts.apiListen.slice(0, opts.apiListen.lastIndexOf(':'))}:0` }),
          );
          closeApi = () => api.close();
          narrate('step', 'Still serving. Try it (Ctrl-C to stop):');
          const say = (t: string) => (opts.json ? process.stderr : process.stdout).write(`${t}\n`);
          say(`  open ${result.reportFiles.html}`);
          say(`  curl -s ${world.issuer}/.well-known/oauth-authorization-server`);
          say(`  curl -s -H 'authorization: Bearer ${key.key}' ${world.gatewayUrl}/api/me`);
          say(
            `  curl -s -H 'authorization: Bearer ${key.key}' ${world.gatewayUrl}/api/admin/settings   # 403: the key lacks the admin scope`,
          );
          say(`  curl -s -H 'authorization: Bearer ${key.key.slice(0, -1)}x' ${world.gatewayUrl}/api/me   # 401: checksum fails offline`);
          say(`  npx tokenwarden revoke ${key.id} --data ${dataDir}   # then the curl above gets 401 within ~100 ms`);
          say(`  npx tokenwarden report ${result.stolenKeyId} --data ${dataDir} --format md`);
          say(`  npx tokenwarden audit verify --data ${dataDir}`);
          narrate('step', `Response API on ${api.url} (a tw_ key with the tokenwarden.respond scope; tokenwarden.read is enough to read):`);
          const auth = `-H 'authorization: Bearer ${responderKey.key}'`;
          const incidentId = result.incident?.id ?? 'INCIDENT_ID';
          say(`  curl -s ${auth} ${api.url}/v1/incidents`);
          say(`  curl -s ${auth} ${api.url}/v1/incidents/${incidentId}`);
          say(`  curl -s ${auth} '${api.url}/v1/reports/${result.stolenKeyId}?format=md'`);
          say(
            `  curl -s ${auth} -X POST -H 'content-type: application/json' -d '{"dry_run":true}' ${api.url}/v1/incidents/${incidentId}/contain`,
          );
          say(
            `  curl -s ${auth} -X POST -H 'content-type: application/json' -d '{"kind":"ip","value":"203.0.113.7","reason":"scanner"}' ${api.url}/v1/blocks`,
          );
          say(
            `  curl -s ${auth} -X POST -H 'content-type: application/json' -d '{"reason":"attacker evicted, keys rotated"}' ${api.url}/v1/incidents/${incidentId}/resolve`,
          );
          say(`  curl -s -i ${api.url}/v1/incidents   # 401 with a WWW-Authenticate challenge`);
          await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
          return EXIT.OK;
        } finally {
          await closeApi?.().catch(() => {});
          await world.close();
        }
      }),
    );
};
