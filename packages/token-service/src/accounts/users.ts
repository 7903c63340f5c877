import { newId, TokenWardenError } from '@tokenwarden/core';
import type { Database } from '@tokenwarden/store';
import { recordLineage } from '../storage/lineage.js';
import { typed, type UserRow } from '../storage/schema.js';
import { decoyPasswordHash, hashPassword, verifyPassword } from './password-hash.js';

/** A user as shown to callers (never the password hash). */
export interface UserView {
  id: string;
  login: string;
  status: string;
  created_at: string;
}

/** Input of {@link createUser}. */
export interface CreateUserInput {
  login: string;
  password: string;
  createdByCredentialId?: string;
}

const LOGIN_PATTERN = /^[A-Za-z0-9._@+-]{1,128}$/;

/**
 * Creates a user with a scrypt password hash. Logins are 1 to 128 characters of letters, digits
 * and `._@+-`; passwords at least 8 characters.
 *
 * @example
 * ```ts
 * const user = await createUser(database, { login: 'alice', password: 'correct horse battery' });
 * ```
 */
export async function createUser(database: Database, input: CreateUserInput): Promise<UserView> {
  if (!LOGIN_PATTERN.test(input.login)) {
    throw new TokenWardenError('TW_USAGE', 'invalid login name', { hint: 'use 1-128 letters, digits or ._@+-' });
  }
  if (input.password.length < 8) {
    throw new TokenWardenError('TW_USAGE', 'password too short', { hint: 'use at least 8 characters' });
  }
  const row: UserRow = {
    id: newId('usr'),
    login: input.login,
    password_hash: await hashPassword(input.password),
    status: 'active',
    created_at: new Date().toISOString(),
  };
  await database.transaction(async (raw) => {
    const trx = typed(raw);
    const taken = await trx.selectFrom('ts_users').select('id').where('login', '=', input.login).executeTakeFirst();
    if (taken) throw new TokenWardenError('TW_LOGIN_TAKEN', `login ${input.login} already exists`, { hint: 'choose another --login' });
    await trx.insertInto('ts_users').values(row).execute();
    await recordLineage(trx, { entityId: row.id, entityKind: 'user', createdBy: input.createdByCredentialId });
  });
  return { id: row.id, login: row.login, status: row.status, created_at: row.created_at };
}

/**
 * Finds a user by id or by login name.
 *
 * @example
 * ```ts
 * const user = await findUser(database, 'alice');
 * ```
 */
export async function findUser(database: Database, idOrLogin: string): Promise<UserView | undefined> {
  const row = await typed(database.db)
    .selectFrom('ts_users')
    .select(['id', 'login', 'status', 'created_at'])
    .where((eb) => eb.or([eb('id', '=', idOrLogin), eb('login', '=', idOrLogin)]))
    .executeTakeFirst();
  return row;
}

/**
 * Checks a login and password; returns the active user or undefined. Takes the same time whether
 * or not the login exists.
 *
 * @example
 * ```ts
 * const user = await authenticateUser(database, form.login, form.password);
 * ```
 */
export async function authenticateUser(database: Database, login: string, password: string): Promise<UserView | undefined> {
  const row = await typed(database.db).selectFrom('ts_users').selectAll().where('login', '=', login).executeTakeFirst();
  const ok = await verifyPassword(password, row?.password_hash ?? (await decoyPasswordHash()));
  if (!row || !ok || row.status !== 'active') return undefined;
  return { id: row.id, login: row.login, status: row.status, created_at: row.created_at };
}

/**
 * Sets a user's status (`active` or `suspended`). Returns false when no such user.
 *
 * @example
 * ```ts
 * await setUserStatus(database, 'usr_01H...', 'suspended');
 * ```
 */
export async function setUserStatus(database: Database, id: string, status: 'active' | 'suspended'): Promise<boolean> {
  const r = await typed(database.db).updateTable('ts_users').set({ status }).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
