import { z } from 'zod';

/** `host:port` with a numeric port. */
export const HostPort = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'host:port, e.g. 127.0.0.1:8080');

/** Storage: SQLite file under the data directory (embedded default) or PostgreSQL. */
export const StoreConfig = z
  .object({
    driver: z.enum(['sqlite', 'postgres']).default('sqlite'),
    url: z.string().startsWith('postgres', 'a postgres:// or postgresql:// URL').optional(),
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier')
      .optional(),
    file: z.string().optional(),
  })
  .strict();

/** Event bus: in-process (embedded default) or NATS JetStream (production). */
export const BusConfig = z
  .object({
    driver: z.enum(['memory', 'nats']).default('memory'),
    url: z.string().default('nats://127.0.0.1:4222'),
    stream_prefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and -')
      .default('TOKENWARDEN'),
  })
  .strict();

/** Logging. */
export const LogConfig = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict();

/** Settings every command shares. Feature packages add their own sections. */
export const BaseConfig = z
  .object({
    data: z.string().min(1).default('./.tokenwarden'),
    store: StoreConfig.default({ driver: 'sqlite' }),
    bus: BusConfig.default({ driver: 'memory', url: 'nats://127.0.0.1:4222', stream_prefix: 'TOKENWARDEN' }),
    log: LogConfig.default({ level: 'info' }),
  })
  .strict();

export type BaseConfig = z.infer<typeof BaseConfig>;
export type StoreConfig = z.infer<typeof StoreConfig>;
export type BusConfig = z.infer<typeof BusConfig>;
