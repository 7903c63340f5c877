import { TokenWardenError } from '@tokenwarden/core';
import type { Command } from 'commander';
import { type CommonOptions, runAction, withCommonOptions } from '../command-kit.js';
import { EXIT } from '../exit-codes.js';
import { printResult } from '../output.js';
import type { CommandModule } from '../program.js';
import { openTokenServiceForCommand } from './serve.js';

interface ClientsCreateOptions extends CommonOptions {
  name: string;
  grant: string;
  redirectUri: string[];
  public?: boolean;
  dpop?: boolean;
  scope?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * `tokenwarden clients create --name NAME [--grant authorization_code,refresh_token|client_credentials]
 * [--redirect-uri URI] [--public] [--dpop] [--scope "a b"] --json` prints exactly
 * `{"client_id": "...", "client_secret": "..."}` (no secret for `--public`). The secret is shown once.
 *
 * @example
 * ```sh
 * tokenwarden clients create --name worker --grant client_credentials --scope "read" --json
 * ```
 */
export const registerClients: CommandModule = (program: Command) => {
  const clients = program.command('clients').description('manage OAuth clients');
  withCommonOptions(
    clients
      .command('create')
      .description('register an OAuth client (the secret is printed once)')
      .requiredOption('--name <name>', 'client name')
      .option('--grant <types>', 'authorization_code,refresh_token or client_credentials', 'authorization_code,refresh_token')
      .option('--redirect-uri <uri>', 'redirect URI (repeatable)', collect, [])
      .option('--public', 'public client (no secret; PKCE and DPoP required)')
      .option('--dpop', 'require DPoP-bound tokens for this confidential client')
      .option('--scope <scopes>', 'space-separated scopes the client may be granted'),
  ).action(
    runAction(async (opts: ClientsCreateOptions) => {
      const grantTypes = opts.grant
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean);
      if (grantTypes.length === 0) throw new TokenWardenError('TW_USAGE', '--grant is empty', { hint: 'e.g. --grant client_credentials' });
      const { service, close } = await openTokenServiceForCommand(opts);
      try {
        const created = await service.admin.createClient({
          name: opts.name,
          grantTypes,
          redirectUris: opts.redirectUri,
          public: Boolean(opts.public),
          dpop: Boolean(opts.dpop),
          scopes: (opts.scope ?? '').split(/\s+/).filter(Boolean),
        });
        const out = created.client_secret
          ? { client_id: created.client_id, client_secret: created.client_secret }
          : { client_id: created.client_id };
        printResult(out, Boolean(opts.json), () =>
          created.client_secret
            ? `client_id: ${created.client_id}\nclient_secret: ${created.client_secret}\n(the secret is shown only now)`
            : `client_id: ${created.client_id} (public client: PKCE and DPoP required)`,
        );
      } finally {
        await close();
      }
      return EXIT.OK;
    }),
  );
};
