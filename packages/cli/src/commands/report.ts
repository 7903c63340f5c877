import { closeSync, existsSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AccessEvent, NotFoundError, TokenWardenError } from '@tokenwarden/core';
import { createIpIntel, type IpIntel } from '@tokenwarden/detection';
import { buildForensicReport, type ForensicReport, renderHtml, renderMarkdown } from '@tokenwarden/response';
import { createRepositories, type Database } from '@tokenwarden/store';
import type { AdminApi } from '@tokenwarden/token-service';
import type { Command } from 'commander';
import { reportLocator } from '../adapters/report-locator.js';
import { tokenAdminAdapter } from '../adapters/token-admin.js';
import { runAction, withCommonOptions } from '../command-kit.js';
import { baseConfigFrom } from '../config-from.js';
import { EXIT } from '../exit-codes.js';
import { openTokenServiceForCommand } from './serve.js';

interface ReportOptions {
  data?: string;
  config?: string;
  json?: boolean;
  format?: string;
  out?: string;
  all?: boolean;
  geo?: boolean;
}

const PAGE = 5000;

/**
 * The forensic report of one credential from the shared store: every stored event of it (paged),
 * its alerts, what it created (through the token service's lineage) and, with `intel`, where its
 * sources are. The `report` command and the response API share it.
 *
 * @example
 * ```ts
 * const report = await buildCredentialReport(database, service.admin, 'key_01J...', { allTime: false, intel: createIpIntel() });
 * ```
 */
export async function buildCredentialReport(
  database: Database,
  admin: AdminApi,
  credential: string,
  o: { allTime: boolean; intel?: IpIntel },
): Promise<ForensicReport> {
  const repos = createRepositories(database);
  const events: AccessEvent[] = [];
  for (let afterId: string | undefined; ; ) {
    const page = await repos.accessEvents.query({ credential_id: credential, limit: PAGE, ...(afterId ? { after_id: afterId } : {}) });
    events.push(...page);
    if (page.length < PAGE) break;
    afterId = page.at(-1)?.id;
  }
  const alerts = await repos.alerts.list({ credential, limit: 100_000 });
  const created = await tokenAdminAdapter(admin, repos.accessEvents).createdBy(credential);
  // An empty report reads as "this token touched nothing": for a mistyped id it would be a lie.
  if (events.length === 0 && alerts.length === 0 && created.credentials.length === 0 && created.principals.length === 0)
    throw new NotFoundError('credential', credential, {
      hint: 'no stored event, alert or lineage names it: pass the id as events and alerts show it (key id, jti, rt_ id, access key id), and check --data points at the store that recorded them',
    });
  return buildForensicReport({
    credential,
    events,
    alerts,
    createdCredentials: created.credentials,
    createdPrincipals: created.principals,
    allTime: o.allTime,
    ...(o.intel ? { locate: reportLocator(o.intel) } : {}),
  });
}

/**
 * `tokenwarden report CREDENTIAL`: what did this token touch, from the stored events.
 *
 * @example
 * ```sh
 * tokenwarden report key_01JD... --format html --out report.html
 * ```
 */
export function registerReport(program: Command): void {
  withCommonOptions(program.command('report'))
    .description(
      'forensics: what did this credential touch (requests, resources read and changed, sources, devices, stages, what it created)',
    )
    .argument('<credential>', 'credential id as it appears in the events (key id, jti, access key id)')
    .option('--format <format>', 'md | json | html', 'md')
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--all', 'every request for all time, not only since the first suspicious event')
    .option('--no-geo', 'skip the offline IP geolocation of sources')
    .action(
      runAction(async (credential: string, opts: ReportOptions) => {
        const format = opts.json ? 'json' : (opts.format ?? 'md');
        if (!['md', 'json', 'html'].includes(format)) {
          throw new TokenWardenError('TW_USAGE', `unknown --format ${JSON.stringify(format)}`, { hint: 'use md, json or html' });
        }
        if (credential.trim() === '')
          throw new TokenWardenError('TW_USAGE', 'no credential to report on: the id is empty', {
            hint: 'pass a credential id as events and alerts show it (key id, jti, rt_ id, access key id)',
          });
        // An --out that cannot be written is reported before anything else (the store is not even opened).
        const outCreated = opts.out !== undefined && !existsSync(opts.out);
        if (opts.out !== undefined) closeSync(openSync(opts.out, 'a'));
        try {
          return await writeReport(credential, format, opts);
        } catch (e) {
          // No empty file left behind by a report that failed.
          if (outCreated && opts.out !== undefined) rmSync(opts.out, { force: true });
          throw e;
        }
      }),
    );
}

// Builds the report from the store and writes it where asked (stdout or --out).
async function writeReport(credential: string, format: string, opts: ReportOptions): Promise<number> {
  // A report only reads: a --data that holds no store is a mistake, not a new empty store to create.
  const cfg = baseConfigFrom(opts);
  if (cfg.store.driver === 'sqlite' && !existsSync(cfg.store.file ?? join(cfg.data, 'tokenwarden.db')))
    throw new NotFoundError('store', cfg.store.file ?? cfg.data, {
      hint: 'pass the --data directory (or --config) the token service, gateway and worker use',
    });
  const { service, database, close } = await openTokenServiceForCommand(opts);
  try {
    const report = await buildCredentialReport(database, service.admin, credential, {
      allTime: Boolean(opts.all),
      ...(opts.geo === false ? {} : { intel: createIpIntel() }),
    });
    const text =
      format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : format === 'html' ? renderHtml(report) : renderMarkdown(report);
    if (opts.out) {
      writeFileSync(opts.out, text);
      process.stderr.write(`report written to ${opts.out} (${report.totals.requests} requests)\n`);
    } else process.stdout.write(text);
    return EXIT.OK;
  } finally {
    await close();
  }
}
