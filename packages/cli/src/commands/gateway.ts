import { once } from 'node:events';
import { resolve } from 'node:path';
import { createBroadcast, createBus, type EventBus } from '@tokenwarden/bus';
import { TokenWardenError } from '@tokenwarden/core';
import { loadGatewayConfig, parseGatewayConfig, type RunningGateway, startGateway } from '@tokenwarden/gateway';
import { createRepositories } from '@tokenwarden/store';
import type { Command } from 'commander';
import { gatewayIpInfo, hasLocationPolicy } from '../adapters/gateway-ip-info.js';
import { runAction } from '../command-kit.js';
import { baseConfigFrom } from '../config-from.js';
import { EXIT } from '../exit-codes.js';
import type { CommandModule } from '../program.js';
import { openTokenServiceForCommand } from './serve.js';

interface GatewayOptions {
  upstream: string;
  listen: string;
  data?: string;
  config?: string;
  tlsCert?: string;
  tlsKey?: string;
  json?: boolean;
}

/**
 * `tokenwarden gateway --upstream URL [--listen 127.0.0.1:8081] [--data DIR] [--config FILE]
 * [--tls-cert FILE --tls-key FILE]`:
 * a reverse proxy that verifies tokens and `tw_` keys issued by the token service sharing `--data`
 * and forwards admitted requests to the upstream. `--config` is the gateway's route file (JSON or
 * YAML: `audience`, `routes`); without it any valid credential for the default audience passes.
 * Access and lifecycle events go to the store (embedded) or NATS (when `bus.driver` is nats).
 *
 * @example
 * ```sh
 * tokenwarden gateway --upstream http://127.0.0.1:3000 --listen 127.0.0.1:8081 --config gateway.json
 * ```
 */
export const registerGateway: CommandModule = (program: Command) => {
  program
    .command('gateway')
    .description('enforce tokens and tw_ keys in front of an HTTP API (reverse proxy)')
    .requiredOption('--upstream <url>', 'the API to protect, e.g. http://127.0.0.1:3000')
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:8081')
    .option('--data <dir>', 'data directory shared with the token service (default ./.tokenwarden)')
    .option('--config <file>', 'gateway route config (JSON or YAML): audience, routes, hardening')
    .option('--tls-cert <file>', 'terminate TLS with this PEM certificate (chain); with --tls-key (overrides tls in --config)')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .option('--json', 'print the ready line as JSON on stdout')
    .action(
      runAction(async (opts: GatewayOptions) => {
        // Validate the route file before opening anything: a bad file stops start-up naming the key.
        const config = opts.config ? loadGatewayConfig(opts.config) : parseGatewayConfig({});
        if (opts.tlsCert !== undefined || opts.tlsKey !== undefined) {
          if (opts.tlsCert === undefined || opts.tlsKey === undefined)
            throw new TokenWardenError('TW_USAGE', '--tls-cert and --tls-key go together', {
              hint: 'give both: the PEM certificate and its private key',
            });
          config.tls = { cert: resolve(opts.tlsCert), key: resolve(opts.tlsKey) };
        }
        const base = baseConfigFrom({ ...(opts.data ? { data: opts.data } : {}) });
        const opened = await openTokenServiceForCommand({ ...(opts.data ? { data: opts.data } : {}) }, { longRunning: true });
        const repos = createRepositories(opened.database);
        let bus: EventBus | undefined;
        let gateway: RunningGateway | undefined;
        const broadcast = base.bus.driver === 'nats' ? await createBroadcast({ driver: 'nats', url: base.bus.url }) : undefined;
        try {
          if (base.bus.driver === 'nats') bus = await createBus(base.bus);
          const activeBus = bus;
          gateway = await startGateway({
            source: opened.service.view,
            config,
            upstream: opts.upstream,
            listen: opts.listen,
            dataDir: base.data,
            database: opened.database,
            ...(broadcast ? { broadcast } : {}),
            publishAccess: activeBus
              ? async (batch) => {
                  for (const e of batch) await activeBus.publish('access', e);
                }
              : async (batch) => {
                  await repos.accessEvents.insertMany(batch);
                },
            publishLifecycle: activeBus
              ? (e) => activeBus.publish('lifecycle', e)
              : async (e) => void (await repos.lifecycleEvents.insertMany([e])),
            ...(hasLocationPolicy(config) ? { ipInfo: gatewayIpInfo(config) } : {}),
            onRevocationError: (e) =>
              process.stderr.write(`gateway: revocation poll failed: ${e instanceof Error ? e.message : String(e)}\n`),
          });
        } catch (e) {
          await broadcast?.close().catch(() => {});
          await bus?.close().catch(() => {});
          await opened.close().catch(() => {});
          throw e;
        }
        const ready = { listen: gateway.url, upstream: opts.upstream, audience: gateway.guard.audience, routes: config.routes.length };
        if (opts.json) process.stdout.write(`${JSON.stringify(ready)}\n`);
        process.stderr.write(
          `gateway listening on ${ready.listen} -> ${ready.upstream} (audience ${ready.audience}, ${ready.routes} route(s))\n`,
        );
        await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
        await gateway.close();
        const sink = gateway.guard.sink;
        if (sink && sink.dropped > 0)
          process.stderr.write(`gateway: ${sink.dropped} access event(s) dropped (buffer full or sink failing)\n`);
        await broadcast?.close().catch(() => {});
        await bus?.close().catch(() => {});
        await opened.close();
        return EXIT.OK;
      }),
    );
};
