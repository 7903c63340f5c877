import { once } from 'node:events';
import { createBus, type EventBus } from '@tokenwarden/bus';
import type { TokenSection } from '@tokenwarden/config';
import { TokenWardenError } from '@tokenwarden/core';
import { createRepositories, type Database, openDatabase } from '@tokenwarden/store';
import {
  DEFAULT_ISSUER,
  openTokenService,
  parseHostPort,
  readServiceIdentity,
  recordServiceIdentity,
  type TokenService,
  type TokenServiceOptions,
} from '@tokenwarden/token-service';
import type { Command } from 'commander';
import { type CommonOptions, runAction, withCommonOptions } from '../command-kit.js';
import { baseConfigFrom } from '../config-from.js';
import { EXIT } from '../exit-codes.js';
import { allMigrations } from '../migrations.js';
import type { CommandModule } from '../program.js';

/** A token service opened for one CLI command, with everything it opened. */
export interface CommandTokenService {
  service: TokenService;
  database: Database;
  close(): Promise<void>;
}

/**
 * Opens the store under `--data` (every package's migrations) and the token service over it, with
 * the issuer and default audience `serve` recorded, lifecycle events to NATS when configured and
 * otherwise to the shared store (where the worker reads them), and administrative actions to the
 * hash-chained audit log.
 *
 * @example
 * ```ts
 * const { service, close } = await openTokenServiceForCommand(opts);
 * ```
 */
export async function openTokenServiceForCommand(
  opts: CommonOptions,
  overrides: { issuer?: string; audience?: string; longRunning?: boolean } = {},
): Promise<CommandTokenService> {
  const cfg = baseConfigFrom(opts);
  const database = await openDatabase({ store: cfg.store, dataDir: cfg.data, migrations: allMigrations });
  let bus: EventBus | undefined;
  try {
    const identity = await readServiceIdentity(database);
    // With NATS, lifecycle events go to the bus. On the embedded default they go to the shared store,
    // as the gateway's do: the worker in another process polls them from there, and an in-process bus
    // would reach nobody (not even a one-shot command's own `revoke`, whose event the worker must see).
    if (cfg.bus.driver === 'nats') bus = await createBus(cfg.bus);
    const repos = createRepositories(database);
    const audit = repos.audit;
    const activeBus = bus;
    const service = await openTokenService({
      dataDir: cfg.data,
      store: cfg.store,
      database,
      issuer: overrides.issuer ?? identity.issuer ?? DEFAULT_ISSUER,
      ...((overrides.audience ?? identity.audience) ? { audience: (overrides.audience ?? identity.audience) as string } : {}),
      publish: activeBus
        ? (e) => activeBus.publish('lifecycle', e)
        : async (e) => {
            await repos.lifecycleEvents.insertMany([e]);
          },
      audit: async (entry) => {
        await audit.append(entry);
      },
      keyRefreshMs: overrides.longRunning ? 30_000 : 0,
      settings: tokenSettingsFrom(cfg.token),
    });
    return {
      service,
      database,
      async close() {
        await service.close();
        await bus?.close();
        await database.close();
      },
    };
  } catch (e) {
    await bus?.close().catch(() => {});
    await database.close().catch(() => {});
    throw e;
  }
}

/** The `token` config section as token-service settings (seconds to the units the service takes). */
function tokenSettingsFrom(section: TokenSection | undefined): NonNullable<TokenServiceOptions['settings']> {
  if (!section) return {};
  return {
    ...(section.access_token_ttl === undefined ? {} : { accessTokenTtlS: section.access_token_ttl }),
    ...(section.refresh_idle_ttl === undefined ? {} : { refreshIdleTtlS: section.refresh_idle_ttl }),
    ...(section.refresh_absolute_ttl === undefined ? {} : { refreshAbsoluteTtlS: section.refresh_absolute_ttl }),
    ...(section.dpop_require_nonce === undefined ? {} : { dpopRequireNonce: section.dpop_require_nonce }),
    ...(section.max_key_ttl === undefined ? {} : { maxKeyTtlMs: section.max_key_ttl * 1000 }),
  };
}

interface ServeOptions extends CommonOptions {
  listen: string;
  issuer?: string;
  audience?: string;
}

/**
 * `tokenwarden serve [--listen 127.0.0.1:8080] [--data DIR] [--issuer URL] [--audience URI]`:
 * runs the authorization server (discovery, authorize + login form, token, revocation,
 * introspection, JWKS) until SIGINT/SIGTERM. The issuer defaults to `http://<listen>`.
 *
 * @example
 * ```sh
 * tokenwarden serve --listen 127.0.0.1:8080 --data ./.tokenwarden
 * ```
 */
export const registerServe: CommandModule = (program: Command) => {
  withCommonOptions(
    program
      .command('serve')
      .description('run the token service (OAuth 2 / OIDC authorization server)')
      .option('--listen <host:port>', 'address to listen on', '127.0.0.1:8080')
      .option('--issuer <url>', 'issuer URL (default http://<listen>)')
      .option('--audience <uri>', 'default audience of access tokens (default <issuer>/api)'),
  ).action(
    runAction(async (opts: ServeOptions) => {
      parseHostPort(opts.listen);
      const issuer = (opts.issuer ?? `http://${opts.listen}`).replace(/\/+$/, '');
      const opened = await openTokenServiceForCommand(opts, {
        issuer,
        ...(opts.audience ? { audience: opts.audience } : {}),
        longRunning: true,
      });
      const { service } = opened;
      await recordServiceIdentity(opened.database, { issuer: service.settings.issuer, audience: service.settings.audience });
      try {
        await service.listen(opts.listen);
      } catch (e) {
        await opened.close();
        throw e;
      }
      const rotation = setInterval(() => {
        const failed = (id: string, e: unknown): void => {
          process.stderr.write(
            `service-account rotation of ${id} failed (retried in a minute): ${e instanceof Error ? e.message : String(e)}\n`,
          );
        };
        service.admin
          .rotateDue(undefined, failed)
          .catch((e: unknown) => process.stderr.write(`service-account rotation failed: ${String(e)}\n`));
      }, 60_000);
      rotation.unref();
      const ready = { issuer: service.settings.issuer, listen: opts.listen, audience: service.settings.audience };
      if (opts.json) process.stdout.write(`${JSON.stringify(ready)}\n`);
      process.stderr.write(`token service listening on http://${opts.listen} (issuer ${ready.issuer}, audience ${ready.audience})\n`);
      await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
      clearInterval(rotation);
      await opened.close();
      return EXIT.OK;
    }),
  );
};

/** Reads all of stdin as text (for `--password-stdin`). */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new TokenWardenError('TW_USAGE', 'expected the password on standard input', {
      hint: 'pipe it: printf %s "$PW" | tokenwarden ...',
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
