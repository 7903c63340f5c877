import { CredentialKind, SEVERITIES } from '@tokenwarden/core';
import { z } from 'zod';

/**
 * Every containment action kind, in the order a plan runs them. The response package derives its
 * `ActionKind` type from this list, so the config and the responder cannot disagree.
 *
 * @example
 * ```ts
 * RESPONSE_ACTION_KINDS.includes('revoke'); // true
 * ```
 */
export const RESPONSE_ACTION_KINDS = [
  'block_credential',
  'revoke',
  'signout',
  'block_ip',
  'block_asn',
  'suspend',
  'rotate_service_account',
  'restore_setting',
] as const;

/**
 * The Shared Signals event names a receiver may ask for (CAEP `session-revoked`,
 * `credential-change`; RISC `credential-compromise`).
 *
 * @example
 * ```ts
 * SSF_EVENT_NAMES[0]; // "session-revoked"
 * ```
 */
export const SSF_EVENT_NAMES = ['session-revoked', 'credential-change', 'credential-compromise'] as const;

const CREDENTIAL_KINDS = (CredentialKind as unknown as { anyOf: { const: string }[] }).anyOf.map((l) => l.const) as [string, ...string[]];
const SEVERITY = z.enum(SEVERITIES as unknown as [string, ...string[]]);
const ENV_NAME = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name (letters, digits, _)');
const HTTP_URL = z.string().regex(/^https?:\/\/[^\s/?#]+[^\s]*$/i, 'an http:// or https:// URL');

/** Exactly one of `a` and `b` is set: names the object's path and both keys when not. */
function exactlyOne(a: string, b: string) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const has = [a, b].filter((k) => value[k] !== undefined);
    if (has.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: has.length === 0 ? [a] : [b],
        message: has.length === 0 ? `"${a}" or "${b}" (one of them is required)` : `only one of "${a}" and "${b}", not both`,
      });
    }
  };
}

/**
 * One webhook: where, how it is signed (HMAC-SHA-256 with `secret`), its format and the least severity sent.
 *
 * @example
 * ```ts
 * WebhookConfig.parse({ url: 'https://hooks.example.com/tw', secret_env: 'TW_HOOK_SECRET', min_severity: 'critical' });
 * ```
 */
export const WebhookConfig = z
  .object({
    url: HTTP_URL,
    secret: z.string().min(16, 'a secret of at least 16 characters').optional(),
    secret_env: ENV_NAME.optional(),
    format: z.enum(['json', 'slack']).default('json'),
    min_severity: SEVERITY.default('high'),
  })
  .strict()
  .superRefine(exactlyOne('secret', 'secret_env'));

/**
 * One Shared Signals receiver (RFC 8935 push endpoint).
 *
 * @example
 * ```ts
 * SsfReceiverConfig.parse({ url: 'https://idp.example.com/ssf/push', authorization_env: 'TW_IDP_AUTH', events: ['session-revoked'] });
 * ```
 */
export const SsfReceiverConfig = z
  .object({
    url: HTTP_URL,
    /** The `aud` of the SETs; default the URL's origin. */
    audience: z.string().min(1).optional(),
    authorization: z.string().min(1).optional(),
    authorization_env: ENV_NAME.optional(),
    /** Empty or missing: every event we transmit. */
    events: z.array(z.enum(SSF_EVENT_NAMES)).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.authorization !== undefined && value.authorization_env !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['authorization_env'],
        message: 'only one of "authorization" and "authorization_env", not both',
      });
    }
  });

/**
 * The Shared Signals transmitter: our issuer and the receivers we push to. The signing key lives under the data directory.
 *
 * @example
 * ```ts
 * SsfConfig.parse({ issuer: 'https://tokenwarden.example.com', receivers: [] });
 * ```
 */
export const SsfConfig = z
  .object({
    issuer: HTTP_URL,
    receivers: z.array(SsfReceiverConfig).default([]),
  })
  .strict();

/**
 * One automatic-response rule: at or above a severity, for some credential kinds, take these actions.
 *
 * @example
 * ```ts
 * AutoRuleConfig.parse({ min_severity: 'high', credential_kinds: ['api_key'], actions: ['block_credential'] });
 * ```
 */
export const AutoRuleConfig = z
  .object({
    min_severity: SEVERITY,
    credential_kinds: z.array(z.enum(CREDENTIAL_KINDS)).optional(),
    actions: z.array(z.enum(RESPONSE_ACTION_KINDS)).min(1, 'at least one action'),
  })
  .strict();

const DEFAULT_RULES: z.input<typeof AutoRuleConfig>[] = [
  {
    min_severity: 'critical',
    actions: ['rotate_service_account', 'block_credential', 'revoke', 'signout', 'suspend', 'block_ip', 'restore_setting'],
  },
];

/**
 * Automatic response: the policy, its rate limit and allowlist (the responder's safety), and dry run.
 *
 * @example
 * ```ts
 * AutoConfig.parse({ max_actions_per_minute: 5, allowlist: { principals: ['break-glass'] } }).dry_run; // false
 * ```
 */
export const AutoConfig = z
  .object({
    enabled: z.boolean().default(true),
    dry_run: z.boolean().default(false),
    /** First matching rule wins. */
    policy: z.array(AutoRuleConfig).default(DEFAULT_RULES as z.infer<typeof AutoRuleConfig>[]),
    max_actions_per_minute: z.number().int().min(0, 'a whole number, 0 or more').default(20),
    allowlist: z
      .object({
        credentials: z.array(z.string().min(1)).default([]),
        principals: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({ credentials: [], principals: [] }),
  })
  .strict();

/**
 * The `response` section of `tokenwarden.yaml` (see docs/response.md).
 *
 * @example
 * ```ts
 * const response = ResponseConfig.parse({ auto: { dry_run: true } });
 * response.auto.policy[0]?.min_severity; // "critical" (the default rule)
 * ```
 */
export const ResponseConfig = z
  .object({
    webhooks: z.array(WebhookConfig).default([]),
    ssf: SsfConfig.optional(),
    auto: AutoConfig.default(AutoConfig.parse({})),
  })
  .strict();

export type ResponseConfig = z.infer<typeof ResponseConfig>;
export type WebhookConfig = z.infer<typeof WebhookConfig>;
export type SsfConfig = z.infer<typeof SsfConfig>;
export type AutoConfig = z.infer<typeof AutoConfig>;
