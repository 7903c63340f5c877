import type { AuditEntry } from '@tokenwarden/core';
import type { Kysely } from 'kysely';
import type { AuditCheckpoint, AuditProblem, AuditVerifyResult } from '../repositories/repository-types.js';
import type { AuditLogTable, StoreTables } from '../repositories/tables.js';
import { auditEntryHash, GENESIS_HASH } from './audit-hash.js';
import { auditEntryFromRow } from './audit-rows.js';

const PAGE = 1000;
// How far a row may have been moved and still be recognised as moved rather than edited.
const MOVE_WINDOW = 16;

interface ChainLink {
  seq: number;
  hash: string;
  prev_hash: string;
}

/**
 * Walks the audit chain in seq order and reports every place where it does not hold: a row
 * whose content no longer matches its hash (`modified`), a gap in seq (`deleted`), a row the
 * next one links past (`inserted`), a row that sits at another seq than it was written at or
 * links to a row elsewhere (`reordered`), and a `prev_hash` that matches nothing (`broken_link`).
 * The anchor row (last seq and hash, updated on every append) reveals a deleted or extended tail;
 * `checkpoints` recorded outside the store reveal a rewritten history.
 *
 * @example
 * ```ts
 * const result = await verifyAuditChain(db, [{ seq: 120, hash: 'ab12…' }]);
 * ```
 */
export async function verifyAuditChain(db: Kysely<StoreTables>, checkpoints: readonly AuditCheckpoint[]): Promise<AuditVerifyResult> {
  const problems: AuditProblem[] = [];
  const seqByHash = async (hash: string): Promise<number | undefined> => {
    if (hash === GENESIS_HASH) return 0;
    const row = await db.selectFrom('audit_log').select('seq').where('hash', '=', hash).executeTakeFirst();
    return row ? Number(row.seq) : undefined;
  };
  let prev: ChainLink | undefined;
  let checked = 0;
  for (let cursor = 0; ; ) {
    const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>', cursor).orderBy('seq').limit(PAGE).execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      checked++;
      await checkRow(row, prev, problems, seqByHash);
      prev = { seq: Number(row.seq), hash: row.hash, prev_hash: row.prev_hash };
    }
    cursor = prev?.seq ?? cursor;
    if (rows.length < PAGE) break;
  }
  await checkAnchor(db, prev, problems);
  for (const checkpoint of checkpoints) {
    const row = await db.selectFrom('audit_log').select('hash').where('seq', '=', checkpoint.seq).executeTakeFirst();
    if (!row) problems.push({ seq: checkpoint.seq, kind: 'deleted', detail: `checkpoint entry ${checkpoint.seq} is missing` });
    else if (row.hash !== checkpoint.hash) {
      problems.push({ seq: checkpoint.seq, kind: 'modified', detail: `entry ${checkpoint.seq} no longer has the checkpoint hash` });
    }
  }
  problems.sort((a, b) => a.seq - b.seq);
  return {
    ok: problems.length === 0,
    checked,
    ...(prev ? { head_hash: prev.hash, head_seq: prev.seq } : {}),
    problems,
  };
}

async function checkRow(
  row: AuditLogTable,
  prev: ChainLink | undefined,
  problems: AuditProblem[],
  seqByHash: (hash: string) => Promise<number | undefined>,
): Promise<void> {
  const seq = Number(row.seq);
  let entry: AuditEntry;
  try {
    entry = auditEntryFromRow(row);
  } catch {
    problems.push({ seq, kind: 'modified', detail: `entry ${seq}: details are not valid JSON` });
    return;
  }
  const expectedSeq = prev ? prev.seq + 1 : 1;
  const expectedPrevHash = prev ? prev.hash : GENESIS_HASH;
  let explained = false;

  if (auditEntryHash(entry) !== row.hash) {
    const writtenAt = findWrittenSeq(entry, await seqByHash(row.prev_hash));
    if (writtenAt !== undefined) {
      problems.push({ seq, kind: 'reordered', detail: `entry ${seq} was written as entry ${writtenAt} and moved` });
      explained = true;
    } else {
      problems.push({ seq, kind: 'modified', detail: `entry ${seq} (${row.action}) does not match its hash` });
    }
  }

  if (seq > expectedSeq) {
    const range = seq - 1 === expectedSeq ? `entry ${expectedSeq} is` : `entries ${expectedSeq}..${seq - 1} are`;
    problems.push({ seq: expectedSeq, kind: 'deleted', detail: `${range} missing` });
    return; // a link across a gap cannot be checked
  }
  if (row.prev_hash === expectedPrevHash) return;
  if (prev && row.prev_hash === prev.prev_hash) {
    problems.push({ seq: prev.seq, kind: 'inserted', detail: `entry ${prev.seq} is not part of the chain: entry ${seq} links past it` });
    return;
  }
  if (explained) return;
  const linkedSeq = await seqByHash(row.prev_hash);
  if (linkedSeq !== undefined && linkedSeq !== seq - 1) {
    problems.push({ seq, kind: 'reordered', detail: `entry ${seq} links to entry ${linkedSeq}, not to entry ${seq - 1}` });
  } else {
    problems.push({
      seq,
      kind: 'broken_link',
      detail: `entry ${seq}: prev_hash does not match entry ${seq - 1} (that entry was altered and re-hashed, or replaced)`,
    });
  }
}

/** The seq this entry's hash was computed with, when it is not its current one. */
function findWrittenSeq(entry: AuditEntry, linkedSeq: number | undefined): number | undefined {
  const candidates = new Set<number>();
  if (linkedSeq !== undefined) candidates.add(linkedSeq + 1);
  for (let d = 1; d <= MOVE_WINDOW; d++) candidates.add(entry.seq - d).add(entry.seq + d);
  for (const candidate of candidates) {
    if (candidate < 1 || candidate === entry.seq) continue;
    if (auditEntryHash({ ...entry, seq: candidate }) === entry.hash) return candidate;
  }
  return undefined;
}

async function checkAnchor(db: Kysely<StoreTables>, last: ChainLink | undefined, problems: AuditProblem[]): Promise<void> {
  const anchor = await db.selectFrom('audit_anchor').select(['seq', 'hash']).where('id', '=', 'head').executeTakeFirst();
  const lastSeq = last?.seq ?? 0;
  if (!anchor) {
    problems.push({ seq: lastSeq, kind: 'deleted', detail: 'the audit anchor row is missing' });
    return;
  }
  const anchorSeq = Number(anchor.seq);
  if (lastSeq < anchorSeq) {
    const range = lastSeq + 1 === anchorSeq ? `entry ${anchorSeq} is` : `entries ${lastSeq + 1}..${anchorSeq} are`;
    problems.push({ seq: lastSeq + 1, kind: 'deleted', detail: `${range} missing from the tail (the anchor records head ${anchorSeq})` });
  } else if (lastSeq > anchorSeq) {
    problems.push({
      seq: anchorSeq + 1,
      kind: 'inserted',
      detail: `entries ${anchorSeq + 1}..${lastSeq} were added outside the audit log (the anchor records head ${anchorSeq})`,
    });
  } else if (last && last.hash !== anchor.hash) {
    problems.push({ seq: lastSeq, kind: 'modified', detail: `head entry ${lastSeq} does not have the hash the anchor records` });
  }
}
