import type { Rule, Severity } from '../types.js';
import { prefixedToken } from './define.js';

const stripe = (id: string, prefix: string, description: string, severity: Severity): Rule =>
  prefixedToken({ id, description, provider: 'stripe', prefix, body: '[0-9A-Za-z]{24,}', severity, minEntropy: 3.5 });

/**
 * Stripe keys: live keys are critical, test-mode keys low (they move no money but still grant
 * access to test data and configuration).
 *
 * @example
 * ```ts
 * stripeRules.find((r) => r.id === 'stripe-secret-key-test')?.severity; // "low"
 * ```
 */
export const stripeRules: Rule[] = [
  stripe('stripe-secret-key', 'sk_live_', 'Stripe live secret key', 'critical'),
  stripe('stripe-restricted-key', 'rk_live_', 'Stripe live restricted key', 'high'),
  stripe('stripe-secret-key-test', 'sk_test_', 'Stripe test-mode secret key', 'low'),
  stripe('stripe-restricted-key-test', 'rk_test_', 'Stripe test-mode restricted key', 'low'),
  prefixedToken({
    id: 'stripe-webhook-secret',
    description: 'Stripe webhook signing secret',
    provider: 'stripe',
    prefix: 'whsec_',
    body: '[0-9A-Za-z+/]{32,}',
    severity: 'medium',
    minEntropy: 3.5,
  }),
];
