import type { AuditEntry, AuditInput } from '@tokenwarden/core';
import type { Database, Migration } from '@tokenwarden/store';
import type { Kysely } from 'kysely';

interface SettingsTable {
  tw_settings: { key: string; value: string; updated_at: string; updated_by: string };
}

/** Migrations for the settings table (alerting and audit switches of our own systems). */
export const settingsMigrations: Migration[] = [
  {
    name: 'response-0002-settings',
    async up(db) {
      await db.schema
        .createTable('tw_settings')
        .ifNotExists()
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();
    },
  },
];

/** Who changed a setting: the acting credential (for restore) and a display actor. */
export interface SettingChangeContext {
  actor: string;
  credential_id?: string;
  source_ip?: string;
  reason?: string;
}

/**
 * Settings of our own systems that an attacker would switch off (alerting, audit, webhooks).
 * Every change is written to the audit log with its before and after values and the acting
 * credential, which is what lets response restore them exactly.
 *
 * @example
 * ```ts
 * await settings.set('alerts.enabled', false, { actor: 'key_1', credential_id: 'key_1' });
 * ```
 */
export class SettingsStore {
  private readonly db: Kysely<SettingsTable>;

  constructor(
    database: Database,
    private readonly audit: { append(input: AuditInput): Promise<AuditEntry> },
  ) {
    this.db = database.db as Kysely<SettingsTable>;
  }

  /** Current value, or `fallback` when unset. */
  async get<T>(key: string, fallback: T): Promise<T> {
    const row = await this.db.selectFrom('tw_settings').select('value').where('key', '=', key).executeTakeFirst();
    return row ? (JSON.parse(row.value) as T) : fallback;
  }

  /** All settings. */
  async all(): Promise<Record<string, unknown>> {
    const rows = await this.db.selectFrom('tw_settings').selectAll().orderBy('key').execute();
    return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  }

  /** Sets a value and audits the change (before, after, who, with which credential). */
  async set(key: string, value: unknown, ctx: SettingChangeContext): Promise<void> {
    const before = await this.db.selectFrom('tw_settings').select('value').where('key', '=', key).executeTakeFirst();
    const now = new Date().toISOString();
    const json = JSON.stringify(value);
    await this.db
      .insertInto('tw_settings')
      .values({ key, value: json, updated_at: now, updated_by: ctx.actor })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: now, updated_by: ctx.actor }))
      .execute();
    await this.audit.append({
      actor: ctx.actor,
      action: 'settings.change',
      target: key,
      ...(ctx.reason ? { reason: ctx.reason } : {}),
      ...(ctx.source_ip ? { source_ip: ctx.source_ip } : {}),
      details: {
        before: before ? (JSON.parse(before.value) as unknown) : null,
        after: value,
        ...(ctx.credential_id ? { credential_id: ctx.credential_id } : {}),
      },
    });
  }
}
