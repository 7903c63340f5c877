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
  // SQLAlchemy and others name a driver after a `+` (`postgresql+psycopg2://`, `mysql+pymysql://`).
  keywords: schemes.flatMap((s) => [`${s}://`, `${s}+`]),
  // user:password@host, password up to the last "@" before the host; the password is group 1.
  pattern: new RegExp(
    `(?<![A-Za-z0-9+.-])(?:${schemes.join('|')})(?:\\+[A-Za-z0-9_]{1,20})?://[^\\s:/@"'\`]*:([^\\s@/"'\`]{3,128})@[A-Za-z0-9._-]+`,
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
 * Database, broker and server connection URLs carrying a password (with a driver after `+` too).
 *
 * @example
 * ```ts
 * databaseRules.map((r) => r.id); // ["postgres-url", ...]
 * ```
 */
export const databaseRules: Rule[] = [
  dbUrl('postgres-url', ['postgres', 'postgresql'], 'PostgreSQL URL with a password', 'postgres'),
  dbUrl('mysql-url', ['mysql', 'mariadb'], 'MySQL URL with a password', 'mysql'),
  dbUrl('mongodb-url', ['mongodb'], 'MongoDB URL with a password', 'mongodb'),
  dbUrl('redis-url', ['redis', 'rediss'], 'Redis URL with a password', 'redis'),
  dbUrl('amqp-url', ['amqp', 'amqps'], 'AMQP (RabbitMQ) URL with a password', 'amqp'),
  dbUrl('mssql-url', ['mssql', 'sqlserver'], 'SQL Server URL with a password', 'mssql'),
  // Other databases, warehouses, brokers and file/mail servers written as scheme://user:password@host.
  dbUrl(
    'service-url-with-password',
    [
      'clickhouse',
      'cockroachdb',
      'oracle',
      'db2',
      'redshift',
      'snowflake',
      'trino',
      'presto',
      'neo4j',
      'bolt',
      'couchbase',
      'couchbases',
      'cassandra',
      'influxdb',
      'nats',
      'mqtt',
      'mqtts',
      'ldap',
      'ldaps',
      'ftp',
      'ftps',
      'sftp',
      'smtp',
      'smtps',
      'imap',
      'imaps',
    ],
    'Database, broker or server URL with a password',
    'url',
  ),
];
