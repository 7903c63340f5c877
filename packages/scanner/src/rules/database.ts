import type { Rule } from '../types.js';
import { isDocumentationHost } from './define.js';

// Passwords that are obviously not secrets (local development defaults are still reported,
// but with low confidence, because they are frequently reused in production).
const WEAK_DEFAULTS = /^(?:password|pass|postgres|root|admin|secret|guest|mysql|user|test|example)$/i;

const dbUrl = (id: string, schemes: string[], description: string, provider: string): Rule => ({
  id,
  description,
  provider,
  anchor: 'keyword',
  keywords: schemes.map((s) => `${s}://`),
  // user:password@host, password up to the last "@" before the host; the password is group 1.
  pattern: new RegExp(
    `(?<![A-Za-z0-9+.-])(?:${schemes.map((s) => s.replace(/\+/g, '\\+')).join('|')})://[^\\s:/@"'\`]*:([^\\s@/"'\`]{3,128})@[A-Za-z0-9._-]+`,
    'g',
  ),
  severity: 'high',
  validate: (secret, ctx) => {
    if (/^[$%{<]|^\*+$|^x+$/i.test(secret)) return false;
    const host = /@([A-Za-z0-9._-]+)/.exec(ctx.match)?.[1] ?? '';
    if (isDocumentationHost(host)) return false;
    const local = /^(?:localhost|127\.0\.0\.1|0\.0\.0\.0|db|postgres|mysql|redis|mongo|rabbitmq)$/i.test(host);
    if (WEAK_DEFAULTS.test(secret)) return { valid: true, confidence: 'low', severity: 'low', details: { host } };
    return { valid: true, confidence: local ? 'medium' : 'high', ...(local ? { severity: 'medium' as const } : {}), details: { host } };
  },
});

/**
 * Database and broker connection URLs carrying a password.
 *
 * @example
 * ```ts
 * databaseRules.map((r) => r.id); // ["postgres-url", ...]
 * ```
 */
export const databaseRules: Rule[] = [
  dbUrl('postgres-url', ['postgres', 'postgresql'], 'PostgreSQL URL with a password', 'postgres'),
  dbUrl('mysql-url', ['mysql', 'mariadb', 'mysql+pymysql'], 'MySQL URL with a password', 'mysql'),
  dbUrl('mongodb-url', ['mongodb', 'mongodb+srv'], 'MongoDB URL with a password', 'mongodb'),
  dbUrl('redis-url', ['redis', 'rediss'], 'Redis URL with a password', 'redis'),
  dbUrl('amqp-url', ['amqp', 'amqps'], 'AMQP (RabbitMQ) URL with a password', 'amqp'),
  dbUrl('mssql-url', ['mssql', 'sqlserver'], 'SQL Server URL with a password', 'mssql'),
];
