import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AuditEntry, isErrorCode } from '@tokenwarden/core';
import { type AuditVerifyResult, auditEntryHash, canonicalJson, GENESIS_HASH, type SqlDialect } from '@tokenwarden/store';
import { forEachDialect, openTestDatabase, SKIP_PG, TEST_DIALECTS, type TestDatabase } from '@tokenwarden/store/testing';
import { sql } from 'kysely';

async function appendSome(t: TestDatabase, n: number): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for (let i = 1; i <= n; i++) {
    out.push(await t.repos.audit.append({ actor: 'alice', action: 'credential.revoke', target: `cred_${i}`, reason: `case ${i}` }));
  }
  return out;
}

/** Drops the append-only triggers (deliberate effort, as an attacker with database access would) and runs raw SQL. */
async function tamper(t: TestDatabase, ...statements: string[]): Promise<void> {
  const drops =
    t.dialect === 'sqlite'
      ? ['DROP TRIGGER IF EXISTS audit_log_no_update', 'DROP TRIGGER IF EXISTS audit_log_no_delete']
      : ['DROP TRIGGER IF EXISTS audit_log_no_update_delete ON audit_log'];
  for (const s of [...drops, ...statements]) await sql.raw(s).execute(t.database.db);
}

function kinds(result: AuditVerifyResult): string[] {
  return result.problems.map((p) => `${p.kind}@${p.seq}`);
}

forEachDialect('audit log', (t) => {
  it('appends entries with consecutive seq, a genesis link and a chain of SHA-256 hashes', async () => {
    const { audit } = t().repos;
    const first = await audit.append({
      actor: 'policy:auto-revoke',
      action: 'credential.revoke',
      target: 'cred_1',
      source_ip: '192.0.2.1',
    });
    const second = await audit.append({ actor: 'alice', action: 'incident.contain', details: { z: 1, a: { y: [1, 2], b: 'x' } } });
    assert.equal(first.seq, 1);
    assert.equal(first.prev_hash, GENESIS_HASH);
    assert.match(first.hash, /^[0-9a-f]{64}$/);
    assert.equal(second.seq, 2);
    assert.equal(second.prev_hash, first.hash);
    assert.equal(auditEntryHash(second), second.hash);
    assert.deepEqual(first.details, {});
    assert.equal('reason' in first, false);
    assert.deepEqual(await audit.list(), [first, second]);
    assert.deepEqual(await audit.list({ after_seq: 1, limit: 5 }), [second]);
    const result = await audit.verify();
    assert.deepEqual(result, { ok: true, checked: 2, head_hash: second.hash, head_seq: 2, problems: [] });
  });

  it('rejects an entry without actor or action', async () => {
    const { audit } = t().repos;
    await assert.rejects(audit.append({ actor: '', action: 'x' }), (e: unknown) => isErrorCode(e, 'TW_INPUT_MALFORMED'));
    await assert.rejects(
      audit.append({ actor: 'a', action: 'x', extra: 1 } as unknown as Parameters<typeof audit.append>[0]),
      (e: unknown) => isErrorCode(e, 'TW_INPUT_MALFORMED'),
    );
  });

  it('refuses UPDATE and DELETE on the audit table through triggers', async () => {
    const db = t().database.db;
    await assert.rejects(sql.raw(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 1`).execute(db), /append-only/);
    await assert.rejects(sql.raw('DELETE FROM audit_log WHERE seq = 1').execute(db), /append-only/);
    assert.equal((await t().repos.audit.verify()).ok, true);
  });

  it('accepts checkpoints recorded elsewhere and reports one that no longer matches', async () => {
    const { audit } = t().repos;
    const [head] = await audit.list({ after_seq: 1, limit: 1 });
    assert.ok(head);
    assert.equal((await audit.verify({ checkpoints: [{ seq: head.seq, hash: head.hash }] })).ok, true);
    const wrong = await audit.verify({
      checkpoints: [
        { seq: head.seq, hash: 'f'.repeat(64) },
        { seq: 99, hash: head.hash },
      ],
    });
    assert.deepEqual(kinds(wrong), [`modified@${head.seq}`, 'deleted@99']);
  });
});

function tamperSuite(dialect: SqlDialect): void {
  describe(`audit log tampering [${dialect}]`, { skip: dialect === 'postgres' && SKIP_PG ? 'TOKENWARDEN_SKIP_PG=1' : false }, () => {
    const scenario = (name: string, fn: (t: TestDatabase, entries: AuditEntry[]) => Promise<void>) =>
      it(name, async () => {
        const t = await openTestDatabase(dialect);
        try {
          await fn(t, await appendSome(t, 6));
        } finally {
          await t.dispose();
        }
      });

    scenario('detects a modified row', async (t) => {
      await tamper(t, `UPDATE audit_log SET actor = 'mallory' WHERE seq = 3`);
      const result = await t.repos.audit.verify();
      assert.equal(result.ok, false);
      assert.deepEqual(kinds(result), ['modified@3']);
    });

    scenario('detects a modified row whose hash was recomputed (the next link breaks)', async (t, entries) => {
      const e3 = entries[2] as AuditEntry;
      const forged = { ...e3, reason: 'nothing to see' };
      const hash = auditEntryHash(forged);
      await tamper(t, `UPDATE audit_log SET reason = 'nothing to see', hash = '${hash}' WHERE seq = 3`);
      const result = await t.repos.audit.verify();
      assert.deepEqual(kinds(result), ['broken_link@4']);
    });

    scenario('detects a deleted row in the middle', async (t) => {
      await tamper(t, 'DELETE FROM audit_log WHERE seq = 2');
      const result = await t.repos.audit.verify();
      assert.deepEqual(kinds(result), ['deleted@2']);
      assert.match(result.problems[0]?.detail ?? '', /entry 2 is missing/);
    });

    scenario('detects a deleted tail through the anchor, and keeps the gap visible after the next append', async (t) => {
      await tamper(t, 'DELETE FROM audit_log WHERE seq >= 5');
      assert.deepEqual(kinds(await t.repos.audit.verify()), ['deleted@5']);
      const next = await t.repos.audit.append({ actor: 'bob', action: 'login' });
      assert.equal(next.seq, 7, 'seq continues from the anchor, not from the surviving rows');
      assert.deepEqual(kinds(await t.repos.audit.verify()), ['deleted@5']);
    });

    scenario('detects a deleted anchor', async (t) => {
      await tamper(t, 'DELETE FROM audit_anchor');
      assert.deepEqual(kinds(await t.repos.audit.verify()), ['deleted@6']);
    });

    scenario('detects a well-formed row inserted behind the API, and refuses to extend such a log', async (t, entries) => {
      const last = entries[5] as AuditEntry;
      const forged = {
        seq: 7,
        id: 'aud_forged',
        time: last.time,
        actor: 'mallory',
        action: 'credential.create',
        details: {},
        prev_hash: last.hash,
      };
      const hash = auditEntryHash(forged);
      await tamper(
        t,
        `INSERT INTO audit_log (seq, id, time, actor, action, details, prev_hash, hash) VALUES (7, 'aud_forged', '${last.time}', 'mallory', 'credential.create', '{}', '${last.hash}', '${hash}')`,
      );
      assert.deepEqual(kinds(await t.repos.audit.verify()), ['inserted@7']);
      await assert.rejects(t.repos.audit.append({ actor: 'bob', action: 'x' }), (e: unknown) => isErrorCode(e, 'TW_AUDIT_TAMPERED'));
    });

    scenario('detects a row inserted into the middle with later rows renumbered', async (t, entries) => {
      const e2 = entries[1] as AuditEntry;
      const forged = { seq: 3, id: 'aud_mid', time: e2.time, actor: 'mallory', action: 'x', details: {}, prev_hash: e2.hash };
      const statements = [];
      for (let seq = 6; seq >= 3; seq--) statements.push(`UPDATE audit_log SET seq = ${seq + 1} WHERE seq = ${seq}`);
      statements.push(
        `INSERT INTO audit_log (seq, id, time, actor, action, details, prev_hash, hash) VALUES (3, 'aud_mid', '${e2.time}', 'mallory', 'x', '{}', '${e2.hash}', '${auditEntryHash(forged)}')`,
      );
      await tamper(t, ...statements);
      const result = await t.repos.audit.verify();
      assert.equal(result.ok, false);
      assert.ok(kinds(result).includes('inserted@3'), kinds(result).join(','));
      assert.ok(kinds(result).includes('reordered@4'), kinds(result).join(','));
    });

    scenario('detects two swapped rows', async (t) => {
      await tamper(
        t,
        'UPDATE audit_log SET seq = 100 WHERE seq = 3',
        'UPDATE audit_log SET seq = 3 WHERE seq = 4',
        'UPDATE audit_log SET seq = 4 WHERE seq = 100',
      );
      const result = await t.repos.audit.verify();
      assert.deepEqual(kinds(result), ['reordered@3', 'reordered@4', 'reordered@5']);
    });

    scenario('detects details that are no longer JSON', async (t) => {
      await tamper(t, `UPDATE audit_log SET details = '{oops' WHERE seq = 1`);
      assert.deepEqual(kinds(await t.repos.audit.verify()), ['modified@1']);
    });
  });
}

for (const dialect of TEST_DIALECTS) tamperSuite(dialect);

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    assert.equal(canonicalJson({ b: 1, a: [true, { d: null, c: 'x', u: undefined }] }), '{"a":[true,{"c":"x","d":null}],"b":1}');
    assert.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }));
  });
});
