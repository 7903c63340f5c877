import { TokenWardenError } from '@tokenwarden/core';
import type { CanaryFormat } from '@tokenwarden/token-service';
import type { Command } from 'commander';
import { type CommonOptions, parseDuration, runAction, withCommonOptions } from '../command-kit.js';
import { EXIT } from '../exit-codes.js';
import { printResult } from '../output.js';
import type { CommandModule } from '../program.js';
import { actByHand } from '../response-context.js';
import { openTokenServiceForCommand } from './serve.js';

interface KeysCreateOptions extends CommonOptions {
  subject: string;
  scopes: string;
  ttl?: string;
  cidr?: string;
  audience?: string;
}

interface CanaryOptions extends CommonOptions {
  label: string;
  format: CanaryFormat;
}

interface ServiceAccountCreateOptions extends CommonOptions {
  name: string;
  owner: string;
  scopes: string;
  lifetime: string;
  rotateEvery: string;
  overlap: string;
  deliverTo?: string;
}

interface RotateSigningOptions extends CommonOptions {
  lead: string;
}

/**
 * Shortest lead allowed between publishing a signing key and signing with it: every `serve`
 * instance re-reads the keys every 30 s, so a shorter lead could sign with a key that another
 * instance's JWKS does not publish yet.
 */
const MIN_SIGNING_LEAD_MS = 60_000;

const words = (s: string | undefined): string[] => (s ?? '').split(/[\s,]+/).filter(Boolean);

/**
 * `tokenwarden keys create --subject NAME --scopes "a b" [--ttl 1h] [--cidr LIST] --json` prints
 * `{"id": "...", "key": "tw_k_..."}` (the key is shown once, stored hashed); `keys canary` mints a
 * decoy; `keys rotate-signing [--lead 10m]` schedules a signing-key rotation;
 * `service-accounts create|rotate` manage machine credentials with scheduled rotation.
 *
 * @example
 * ```sh
 * tokenwarden keys create --subject ci --scopes "deploy:write" --ttl 30d --json
 * ```
 */
export const registerKeys: CommandModule = (program: Command) => {
  const keys = program.command('keys').description('manage API keys');
  withCommonOptions(
    keys
      .command('create')
      .description('create an API key (printed once)')
      .requiredOption('--subject <name>', 'who or what the key acts as')
      .requiredOption('--scopes <scopes>', 'space-separated scopes')
      .option('--ttl <duration>', 'lifetime, e.g. 1h, 30d (default 90d)')
      .option('--cidr <list>', 'comma-separated CIDR allowlist, e.g. 10.0.0.0/8,192.0.2.7')
      .option('--audience <uri>', 'audience (default: the service default audience)'),
  ).action(
    runAction(async (opts: KeysCreateOptions) => {
      const { service, close } = await openTokenServiceForCommand(opts);
      try {
        const minted = await service.admin.createApiKey({
          subject: opts.subject,
          scopes: words(opts.scopes),
          ...(opts.ttl ? { ttlMs: parseDuration(opts.ttl) } : {}),
          ...(opts.cidr ? { cidr: opts.cidr.split(',') } : {}),
          ...(opts.audience ? { audience: [opts.audience] } : {}),
        });
        printResult(
          { id: minted.id, key: minted.key },
          Boolean(opts.json),
          () => `id:  ${minted.id}\nkey: ${minted.key}\nexpires: ${minted.record.expires_at}\n(the key is shown only now)`,
        );
      } finally {
        await close();
      }
      return EXIT.OK;
    }),
  );
  withCommonOptions(
    keys
      .command('canary')
      .description('mint a canary credential that looks real, grants nothing, and raises canary.used on any use')
      .requiredOption('--label <name>', 'where you plant it, e.g. ci-secrets-bucket')
      .option('--format <format>', 'api_key, service_account_token, refresh_token or access_token', 'api_key'),
  ).action(
    runAction(async (opts: CanaryOptions) => {
      if (!['api_key', 'service_account_token', 'refresh_token', 'access_token'].includes(opts.format)) {
        throw new TokenWardenError('TW_USAGE', `unknown canary format ${opts.format}`, {
          hint: 'api_key, service_account_token, refresh_token or access_token',
        });
      }
      const { service, close } = await openTokenServiceForCommand(opts);
      try {
        const canary = await service.admin.createCanary({ format: opts.format, label: opts.label });
        printResult(
          { id: canary.id, format: canary.format, value: canary.value },
          Boolean(opts.json),
          () => `id: ${canary.id}\nvalue: ${canary.value}`,
        );
      } finally {
        await close();
      }
      return EXIT.OK;
    }),
  );
  withCommonOptions(
    keys
      .command('rotate-signing')
      .description(
        'rotate the token signing key: the new key is published now and signs after --lead; the old one stays published until its tokens expire',
      )
      .option('--lead <duration>', 'how long the new key is published before it signs (at least 1m)', '10m'),
  ).action(
    runAction(async (opts: RotateSigningOptions) => {
      const lead = parseDuration(opts.lead);
      if (lead < MIN_SIGNING_LEAD_MS) {
        throw new TokenWardenError('TW_USAGE', `--lead ${opts.lead} is too short`, {
          hint: 'use at least 1m: every serve instance must publish the new key before any of them signs with it',
        });
      }
      const { service, close } = await openTokenServiceForCommand(opts);
      try {
        const kid = await service.admin.rotateSigningKey(lead);
        const signing = await service.admin.signingKeys();
        const next = signing.find((k) => k.kid === kid);
        printResult({ kid, activates_at: next?.activates_at, keys: signing }, Boolean(opts.json), () =>
          [
            `new signing key ${kid}: published now, signs from ${next?.activates_at}`,
            ...signing.map(
              (k) =>
                `  ${k.kid}  ${k.state.padEnd(8)}  activates ${k.activates_at}${k.retires_at ? `  retires ${k.retires_at}` : ''}${k.expires_at ? `  unpublished ${k.expires_at}` : ''}`,
            ),
          ].join('\n'),
        );
      } finally {
        await close();
      }
      return EXIT.OK;
    }),
  );

  const sa = program.command('service-accounts').description('manage service accounts (machine credentials with scheduled rotation)');
  withCommonOptions(
    sa
      .command('create')
      .description('create a service account and its first tw_s_ token (printed once)')
      .requiredOption('--name <name>', 'service account name')
      .requiredOption('--owner <name>', 'the person or team accountable for it')
      .requiredOption('--scopes <scopes>', 'space-separated scopes (keep them narrow)')
      .option('--lifetime <duration>', 'maximum lifetime of each token', '30d')
      .option('--rotate-every <duration>', 'scheduled rotation interval', '7d')
      .option('--overlap <duration>', 'how long the previous token keeps working after a rotation', '1d')
      .option(
        '--deliver-to <file>',
        'write every new token (this one too) to FILE (0600, replaced atomically), scheduled rotations included',
      ),
  ).action(
    runAction(async (opts: ServiceAccountCreateOptions) => {
      const { service, close } = await openTokenServiceForCommand(opts);
      try {
        const minted = await service.admin.createServiceAccount({
          name: opts.name,
          owner: opts.owner,
          scopes: words(opts.scopes),
          tokenLifetimeMs: parseDuration(opts.lifetime),
          rotationIntervalMs: parseDuration(opts.rotateEvery),
          overlapMs: parseDuration(opts.overlap),
          ...(opts.deliverTo === undefined ? {} : { deliverTo: opts.deliverTo }),
        });
        const delivered = minted.delivered_to ? { deliver_to: minted.delivered_to } : {};
        printResult(
          { service_account_id: minted.service_account_id, id: minted.id, key: minted.key, ...delivered },
          Boolean(opts.json),
          () =>
            [
              `service account: ${minted.service_account_id}`,
              `id:  ${minted.id}`,
              `key: ${minted.key}`,
              '(the key is shown only now)',
              ...(minted.delivered_to ? [`written to ${minted.delivered_to}; serve writes each scheduled rotation there`] : []),
            ].join('\n'),
        );
        if (!minted.delivered_to) {
          // On stderr, so --json output stays one JSON document.
          process.stderr.write(
            'note: no --deliver-to: a scheduled rotation hands its new token to no one; fetch it with `tokenwarden service-accounts rotate` within the overlap, or give the account a file\n',
          );
        }
      } finally {
        await close();
      }
      return EXIT.OK;
    }),
  );
  withCommonOptions(
    sa
      .command('rotate')
      .description('rotate now: mint a new token; the old one works until the overlap ends')
      .argument('<name-or-id>', "the account's name or id, or one of its tokens' ids (sat_...)")
      .option('--dry-run', 'show what would be done, do nothing'),
  ).action(
    runAction(async (nameOrId: string, opts: CommonOptions & { dryRun?: boolean }) => {
      if (opts.dryRun) {
        const why = 'rotated by hand';
        return actByHand(opts, { kind: 'rotate_service_account', target: nameOrId, why }, { actor: 'cli', reason: why, dryRun: true });
      }
      const { service, close } = await openTokenServiceForCommand(opts);
      try {
        const minted = await service.admin.rotateServiceAccount(nameOrId);
        const delivered = minted.delivered_to ? { deliver_to: minted.delivered_to } : {};
        printResult(
          { service_account_id: minted.service_account_id, id: minted.id, key: minted.key, ...delivered },
          Boolean(opts.json),
          () =>
            [
              `id:  ${minted.id}`,
              `key: ${minted.key}`,
              '(the key is shown only now)',
              ...(minted.delivered_to ? [`written to ${minted.delivered_to}`] : []),
            ].join('\n'),
        );
      } finally {
        await close();
      }
      return EXIT.OK;
    }),
  );
};
