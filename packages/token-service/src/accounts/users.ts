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
 * The key a login is unique and found by: ASCII letters lower-cased, nothing else changed (logins
 * are ASCII; `toLowerCase` would also fold look-alikes such as the Kelvin sign into `k`).
 *
 * @example
 * ```ts
 * loginKeyOf('Alice@Example.com'); // "alice@example.com"
 * ```
 */
export function loginKeyOf(login: string): string {
  return login.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/**
 * Creates a user with a scrypt password hash. Logins are 1 to 128 characters of letters, digits
 * and `._@+-`, kept as given but unique and found whatever their case (`Alice` is `alice`);
 * passwords at least 8 characters.
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
    login_key: loginKeyOf(input.login),
    password_hash: await hashPassword(input.password),
    status: 'active',
    created_at: new Date().toISOString(),
  };
  await database.transaction(async (raw) => {
    const trx = typed(raw);
    const taken = await trx
      .selectFrom('ts_users')
      .select('login')
      .where((eb) => eb.or([eb('login_key', '=', row.login_key), eb('login', '=', input.login)]))
      .executeTakeFirst();
    if (taken) {
      const as = taken.login === input.login ? '' : ` (as ${taken.login}: logins are not case-sensitive)`;
      throw new TokenWardenError('TW_LOGIN_TAKEN', `login ${input.login} already exists${as}`, { hint: 'choose another --login' });
    }
    await trx.insertInto('ts_users').values(row).execute();
    await recordLineage(trx, { entityId: row.id, entityKind: 'user', createdBy: input.createdByCredentialId });
  });
  return { id: row.id, login: row.login, status: row.status, created_at: row.created_at };
}

/**
 * Finds a user by id or by login name (in any case; an exact match wins over an account made
 * before logins were case-insensitive).
 *
 * @example
 * ```ts
 * const user = await findUser(database, 'alice');
 * ```
 */
export async function findUser(database: Database, idOrLogin: string): Promise<UserView | undefined> {
  const rows = await typed(database.db)
    .selectFrom('ts_users')
    .select(['id', 'login', 'login_key', 'status', 'created_at'])
    .where((eb) => eb.or([eb('id', '=', idOrLogin), eb('login', '=', idOrLogin), eb('login_key', '=', loginKeyOf(idOrLogin))]))
    .execute();
  const row = preferExact(rows, idOrLogin);
  return row && { id: row.id, login: row.login, status: row.status, created_at: row.created_at };
}

// The row named exactly `name` (its id or login), else the one found by the login's case-folded key.
function preferExact<T extends { id: string; login: string; login_key?: string }>(rows: readonly T[], name: string): T | undefined {
  const key = loginKeyOf(name);
  return rows.find((r) => r.id === name || r.login === name) ?? rows.find((r) => r.login_key === key);
}

/**
 * Checks a login and password (the login in any case); returns the active user or undefined. Takes the same time whether
 * or not the login exists.
 *
 * @example
 * ```ts
 * const user = await authenticateUser(database, form.login, form.password);
 * ```
 */
export async function authenticateUser(database: Database, login: string, password: string): Promise<UserView | undefined> {
  const rows = await typed(database.db)
    .selectFrom('ts_users')
    .selectAll()
    .where((eb) => eb.or([eb('login_key', '=', loginKeyOf(login)), eb('login', '=', login)]))
    .execute();
  const row = preferExact(rows, login);
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
