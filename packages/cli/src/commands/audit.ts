import { type AuditEntry, TokenWardenError } from '@tokenwarden/core';
import type { AuditCheckpoint, AuditVerifyResult } from '@tokenwarden/store';
import type { Command } from 'commander';
import { type CommonOptions, parsePositiveInt, runAction, withCommonOptions } from '../command-kit.js';
import { EXIT } from '../exit-codes.js';
import { openStoreFromOptions } from '../open-store.js';
import { printResult } from '../output.js';
import type { CommandModule } from '../program.js';

interface VerifyOptions extends CommonOptions {
  checkpoint?: AuditCheckpoint[];
}

interface ListOptions extends CommonOptions {
  limit?: number;
  after?: number;
}

function parseCheckpoint(value: string, previous: AuditCheckpoint[] = []): AuditCheckpoint[] {
  const m = /^(\d+):([0-9a-f]{64})$/.exec(value.trim());
  if (!m) {
    throw new TokenWardenError('TW_USAGE', `invalid --checkpoint "${value}"`, {
      hint: 'use SEQ:HASH as printed by `tokenwarden audit verify` (64 hex characters)',
    });
  }
  return [...previous, { seq: Number(m[1]), hash: m[2] as string }];
}

function verifyText(result: AuditVerifyResult): string {
  const head = result.head_seq === undefined ? 'empty' : `head ${result.head_seq}:${result.head_hash}`;
  if (result.ok) return `audit log intact: ${result.checked} entries checked, ${head}`;
  const lines = [`audit log TAMPERED: ${result.problems.length} problem(s) in ${result.checked} entries (${head})`];
  for (const p of result.problems) lines.push(`  seq ${p.seq}  ${p.kind}  ${p.detail}`);
  return lines.join('\n');
}

function entryText(e: AuditEntry): string {
  const parts = [String(e.seq).padStart(6), e.time, e.actor, e.action];
  if (e.target) parts.push(`target=${e.target}`);
  if (e.source_ip) parts.push(`from=${e.source_ip}`);
  if (e.reason) parts.push(`reason=${JSON.stringify(e.reason)}`);
  return parts.join('  ');
}

/**
 * `tokenwarden audit verify|list`: checks the hash chain of the audit log (exit 1 when it finds
 * tampering, each problem printed) and lists its entries.
 *
 * @example
 * ```sh
 * tokenwarden audit verify --data ./.tokenwarden --checkpoint 120:9f2c…   # exit 0 intact, 1 tampered, 2 error
 * tokenwarden audit list --limit 20 --json
 * ```
 */
export const registerAudit: CommandModule = (program: Command) => {
  const audit = program.command('audit').description('the append-only, hash-chained audit log');
  withCommonOptions(
    audit
      .command('verify')
      .description('re-compute the hash chain; exit 1 when an entry was modified, deleted, inserted or moved')
      .option('--checkpoint <seq:hash>', 'a head recorded earlier (repeatable); it must still be in the log', parseCheckpoint),
  ).action(
    runAction(async (opts: VerifyOptions) => {
      const { database, repos } = await openStoreFromOptions(opts);
      try {
        const result = await repos.audit.verify({ checkpoints: opts.checkpoint ?? [] });
        printResult(result, Boolean(opts.json), () => verifyText(result));
        return result.ok ? EXIT.OK : EXIT.FINDINGS;
      } finally {
        await database.close();
      }
    }),
  );
  withCommonOptions(
    audit
      .command('list')
      .description('print audit entries, oldest first (the newest N unless --after is given)')
      .option('--limit <n>', 'at most this many entries (default 50)', parsePositiveInt('--limit'))
      .option('--after <seq>', 'entries after this seq, oldest first (for paging)', parsePositiveInt('--after')),
  ).action(
    runAction(async (opts: ListOptions) => {
      const { database, repos } = await openStoreFromOptions(opts);
      try {
        const limit = opts.limit ?? 50;
        const entries =
          opts.after === undefined
            ? (await repos.audit.list({ limit, order: 'desc' })).reverse()
            : await repos.audit.list({ after_seq: opts.after, limit });
        printResult(entries, Boolean(opts.json), () => (entries.length === 0 ? '(no audit entries)' : entries.map(entryText).join('\n')));
        return EXIT.OK;
      } finally {
        await database.close();
      }
    }),
  );
};
