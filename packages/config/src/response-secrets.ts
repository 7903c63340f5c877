import { ConfigError } from '@tokenwarden/core';
import type { ResponseConfig } from './response-schema.js';

/** A webhook with its signing secret read (from the file or from `secret_env`). */
export interface ResolvedWebhook {
  url: string;
  secret: string;
  format: 'json' | 'slack';
  min_severity: 'low' | 'medium' | 'high' | 'critical';
}

/** A Shared Signals receiver with its `Authorization` header value read. */
export interface ResolvedSsfReceiver {
  url: string;
  audience: string;
  authorization?: string;
  events?: readonly ('session-revoked' | 'credential-change' | 'credential-compromise')[];
}

/** The secrets of the `response` section, read: what the worker needs to send signals. */
export interface ResolvedResponseSignals {
  webhooks: ResolvedWebhook[];
  ssf?: { issuer: string; receivers: ResolvedSsfReceiver[] };
}

function fromEnv(env: NodeJS.ProcessEnv, name: string, key: string, what: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    // The value is the variable's name, never its content: safe to print.
    throw new ConfigError(key, name, `the name of a set environment variable holding ${what}`, {
      hint: `export ${name}=... before starting, or set the value in the config file`,
    });
  }
  return value;
}

/**
 * Reads the secrets the `response` section points at (`secret_env`, `authorization_env`) from the
 * environment, so config files can stay free of them. Errors name the config key and the variable,
 * never a secret.
 *
 * @example
 * ```ts
 * const signals = resolveResponseSignals(cfg.response, process.env);
 * signals.webhooks[0]?.secret; // the HMAC key, from $TW_HOOK_SECRET
 * ```
 */
export function resolveResponseSignals(response: ResponseConfig, env: NodeJS.ProcessEnv): ResolvedResponseSignals {
  const webhooks = response.webhooks.map((w, i) => ({
    url: w.url,
    secret: w.secret ?? fromEnv(env, w.secret_env ?? '', `response.webhooks.${i}.secret_env`, 'the webhook secret'),
    format: w.format,
    min_severity: w.min_severity as ResolvedWebhook['min_severity'],
  }));
  if (!response.ssf) return { webhooks };
  const receivers = response.ssf.receivers.map((r, i): ResolvedSsfReceiver => {
    const authorization =
      r.authorization ??
      (r.authorization_env === undefined
        ? undefined
        : fromEnv(env, r.authorization_env, `response.ssf.receivers.${i}.authorization_env`, 'the Authorization header value'));
    return {
      url: r.url,
      audience: r.audience ?? new URL(r.url).origin,
      ...(authorization === undefined ? {} : { authorization }),
      ...(r.events && r.events.length > 0 ? { events: r.events } : {}),
    };
  });
  return { webhooks, ssf: { issuer: response.ssf.issuer, receivers } };
}
