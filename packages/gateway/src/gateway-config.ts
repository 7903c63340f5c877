import { METHODS } from 'node:http';
import { dirname, resolve } from 'node:path';
import { describeExpectation, otherProblems, readConfigFile, withRestOfKeys } from '@tokenwarden/config';
import { ConfigError } from '@tokenwarden/core';
import { z } from 'zod';

const Cidr = z.string().regex(/^[0-9a-fA-F.:]+(\/\d{1,3})?$/, 'an IP address or CIDR such as 10.0.0.0/8');
const Country = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as DE');

/** Allow/deny rules on where a request comes from. Deny wins; a non-empty allow list admits only what it names. */
export const LocationPolicyConfig = z
  .object({
    allow_countries: z.array(Country).optional(),
    deny_countries: z.array(Country).optional(),
    allow_asns: z.array(z.number().int().nonnegative()).optional(),
    deny_asns: z.array(z.number().int().nonnegative()).optional(),
    deny_tor: z.boolean().optional(),
    deny_hosting: z.boolean().optional(),
    /** What to do when the address is unknown to the IP-info lookup and an allow list is set. */
    unknown: z.enum(['allow', 'deny']).optional(),
  })
  .strict();
export type LocationPolicyConfig = z.infer<typeof LocationPolicyConfig>;

// Node's HTTP parser answers 400 to any method outside METHODS, so a route naming another
// (`DELET`) could never match and would silently leave its requests to a looser rule below it.
const PARSED_METHODS: ReadonlySet<string> = new Set(METHODS);
const Method = z
  .string()
  .regex(/^[A-Za-z]+$/, 'an HTTP method such as GET')
  .transform((m) => m.toUpperCase())
  .refine((m) => PARSED_METHODS.has(m), 'an HTTP method such as GET (one Node can receive: GET, POST, PUT, PATCH, DELETE, ...)');

/** One route rule: which requests it covers and what they need. */
export const RouteConfig = z
  .object({
    path: z
      .string()
      .regex(/^\/[^?#\s]*$/, 'a path pattern starting with /; * is one segment, ** any number')
      .refine(
        matchablePattern,
        'a pattern that normalised paths can match: whole-segment * and ** only, no ., .. or empty segments, no %, ;, \\ or trailing dot',
      ),
    methods: z.array(Method).min(1).optional(),
    scopes: z.array(z.string().min(1)).default([]),
    audience: z.string().min(1).optional(),
    /** Admits `?access_token=` (RFC 6750 §2.3); refused by default (RFC 9700 §4.3.2). */
    allow_query_token: z.boolean().default(false),
    /** No credential needed (health checks, public assets). */
    public: z.boolean().default(false),
    /** Require a DPoP-bound token on this route. */
    require_dpop: z.boolean().default(false),
    location: LocationPolicyConfig.optional(),
  })
  .strict();
export type RouteConfig = z.infer<typeof RouteConfig>;

// Route patterns are matched against normalised paths (decoded, no dot or empty segments, names
// without `;parameters` or trailing dots) one whole segment at a time: a pattern those paths can
// never match (`/admin*/**`, `/a/../admin`, `/x%2F`) would silently leave its requests to a looser
// rule below it, so it is a config error instead.
function matchablePattern(path: string): boolean {
  const segments = path.split('/').slice(1);
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  if (segments.length === 1 && segments[0] === '') return true;
  for (const segment of segments) {
    if (segment === '*' || segment === '**') continue;
    if (segment === '' || segment === '.' || segment === '..' || /[*%;\\]/.test(segment) || /[. ]$/.test(segment)) return false;
  }
  return true;
}

/** The gateway's settings: the pinned `audience` + `routes`, and optional hardening knobs. */
export const GatewayConfig = z
  .object({
    audience: z.string().min(1).optional(),
    routes: z
      .array(RouteConfig)
      .min(1)
      .default([{ path: '/**', scopes: [], allow_query_token: false, public: false, require_dpop: false }]),
    /** Match route patterns case-insensitively, so `/ADMIN` cannot dodge an `/admin/**` rule. */
    case_insensitive: z.boolean().default(true),
    /** Peers whose X-Forwarded-For / X-Forwarded-Proto are believed (TLS-terminating proxies). */
    trusted_proxies: z.array(Cidr).default([]),
    /** Accept credentials over plain HTTP from non-loopback peers (never do this in production). */
    allow_plain_http: z.boolean().default(false),
    /**
     * Terminate TLS here: PEM files of the certificate (chain) and its private key, relative to the
     * config file. Without it the gateway speaks plain HTTP and expects a TLS-terminating proxy in
     * front (`trusted_proxies`) or loopback clients.
     */
    tls: z
      .object({ cert: z.string().min(1), key: z.string().min(1) })
      .strict()
      .optional(),
    /** Forward Authorization / DPoP / X-API-Key to the upstream (stripped by default). */
    forward_credentials: z.boolean().default(false),
    /** Also read API keys from an `X-API-Key` header. */
    accept_x_api_key: z.boolean().default(true),
    /**
     * A request whose `X-HTTP-Method-Override` / `X-HTTP-Method` / `X-Method-Override` names another
     * method: `refuse` it (400), or `match` routes on the method it names (set this only when the
     * upstream honours those headers; either way a `GET` can never pass as a `DELETE`'s rule).
     */
    method_override: z.enum(['refuse', 'match']).default('refuse'),
    /** Per-credential token bucket; `false` turns it off. */
    rate_limit: z
      .union([z.literal(false), z.object({ per_second: z.number().positive(), burst: z.number().int().positive() }).strict()])
      .default({ per_second: 200, burst: 400 }),
    /**
     * Many failed credentials from one address (a stolen list being checked, guessed keys, lookup
     * floods): past `block_after` in `window_seconds`, its unverified credentials get 429 until the
     * window ends. `exempt` addresses are never counted (loopback by default). `false` turns it off.
     */
    auth_failures: z
      .union([
        z.literal(false),
        z
          .object({
            window_seconds: z.number().int().positive().default(60),
            block_after: z.number().int().positive().default(50),
            exempt: z.array(Cidr).default(['127.0.0.0/8', '::1/128']),
          })
          .strict(),
      ])
      .default({ window_seconds: 60, block_after: 50, exempt: ['127.0.0.0/8', '::1/128'] }),
    /** Many distinct 404 paths from one credential or address: slow down, then block. */
    probing: z
      .object({
        window_seconds: z.number().int().positive().default(60),
        slow_after: z.number().int().positive().default(20),
        block_after: z.number().int().positive().default(50),
        block_seconds: z.number().int().positive().default(600),
        delay_ms: z.number().int().nonnegative().default(250),
      })
      .strict()
      .default({ window_seconds: 60, slow_after: 20, block_after: 50, block_seconds: 600, delay_ms: 250 }),
    revocation: z
      .object({
        poll_ms: z.number().int().min(5).default(50),
        resync_ms: z.number().int().min(1000).default(60_000),
        staleness_ms: z.number().int().min(50).default(2_000),
        on_stale: z.enum(['fail-closed', 'fail-open']).default('fail-closed'),
      })
      .strict()
      .default({ poll_ms: 50, resync_ms: 60_000, staleness_ms: 2_000, on_stale: 'fail-closed' }),
    dpop: z
      .object({
        algorithms: z
          .array(z.enum(['EdDSA', 'ES256', 'ES384', 'PS256', 'RS256']))
          .min(1)
          .default(['EdDSA', 'ES256']),
        max_age_seconds: z.number().int().positive().default(300),
        require_nonce: z.boolean().default(false),
        /**
         * Verify proof signatures on a second thread, through shared memory, when proofs wait in
         * one turn of the event loop (the event loop takes back those the thread has not started):
         * more DPoP requests per second from one process when some core time is free, a few µs more
         * CPU per proof. `auto`: on with 2 or more CPUs (see gateway-guard.ts for the measurements).
         */
        signature_thread: z.union([z.boolean(), z.literal('auto')]).default('auto'),
        /**
         * The origin clients address (`https://api.example.com`): a proof's `htu` must name it, whatever `Host`
         * header the request carries. Without it the origin is taken from the request (scheme as received or
         * from a trusted proxy, and its `Host`), so a proof made for another origin that sent the same `Host`
         * passes; set it in production.
         */
        public_origin: z
          .string()
          .url()
          .refine((u) => /^https?:$/.test(new URL(u).protocol) && new URL(u).pathname === '/' && !new URL(u).search, {
            message: 'an http(s) origin with no path or query, e.g. https://api.example.com',
          })
          .optional(),
      })
      .strict()
      .default({ algorithms: ['EdDSA', 'ES256'], max_age_seconds: 300, require_nonce: false, signature_thread: 'auto' }),
    jwt_algorithms: z
      .array(z.enum(['EdDSA', 'ES256', 'ES384', 'PS256', 'RS256']))
      .min(1)
      .default(['EdDSA', 'ES256']),
    location: LocationPolicyConfig.optional(),
    ip_info: z
      .array(
        z
          .object({
            cidr: Cidr,
            country: Country.optional(),
            asn: z.number().int().nonnegative().optional(),
            tor: z.boolean().optional(),
            hosting: z.boolean().optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();
/** Parsed, defaulted gateway settings. */
export type GatewayConfig = z.infer<typeof GatewayConfig>;
/** Gateway settings as written in a file (every key optional). */
export type GatewayConfigInput = z.input<typeof GatewayConfig>;

/**
 * Validates gateway settings; the error names the first bad key as a dotted path (`routes.0.scopes`).
 *
 * @example
 * ```ts
 * const cfg = parseGatewayConfig({ routes: [{ path: '/**', scopes: ['echo.read'] }] });
 * cfg.routes[0].allow_query_token; // false
 * ```
 */
export function parseGatewayConfig(input: unknown, source = 'gateway config'): GatewayConfig {
  const result = GatewayConfig.safeParse(input ?? {});
  if (result.success) return result.data;
  const [issue, ...others] = result.error.issues;
  const path = issue?.path ?? [];
  let key = path.map(String).join('.');
  let value: unknown = input;
  for (const p of path) value = (value as Record<string | number, unknown> | undefined)?.[p as string | number];
  // The first problem is explained; the others are named, so one edit-and-restart fixes them all.
  if (issue?.code === 'unrecognized_keys') {
    const more = otherProblems(withRestOfKeys(issue, others));
    const bad = issue.keys[0] ?? '?';
    key = key ? `${key}.${bad}` : bad;
    return fail(
      new ConfigError(key, (value as Record<string, unknown> | undefined)?.[bad], 'a known setting (unknown key)', {
        hint: `remove or fix "${key}" in ${source}${more}`,
      }),
    );
  }
  const more = otherProblems(others);
  return fail(
    new ConfigError(key || '(root)', value, describeExpectation(issue?.message ?? ''), {
      hint: `fix "${key || '(root)'}" in ${source}${more}`,
    }),
  );
}

function fail(e: ConfigError): never {
  throw e;
}

/**
 * Reads and validates a JSON or YAML gateway config file (`--config`).
 *
 * @example
 * ```ts
 * const cfg = loadGatewayConfig('gateway.json');
 * ```
 */
export function loadGatewayConfig(file: string): GatewayConfig {
  const tree = readConfigFile(file);
  // An empty file (a failed template, the wrong path) would mean "any valid credential passes": refuse it.
  if (Object.keys(tree).length === 0) {
    throw new ConfigError('(root)', tree, 'at least one setting (routes)', {
      hint: `${file} holds no settings; list the routes, or leave out --config for the default (any valid credential)`,
    });
  }
  const config = parseGatewayConfig(tree, file);
  // TLS files are named relative to the config file, wherever the gateway is started from.
  if (config.tls) config.tls = { cert: resolve(dirname(file), config.tls.cert), key: resolve(dirname(file), config.tls.key) };
  return config;
}
