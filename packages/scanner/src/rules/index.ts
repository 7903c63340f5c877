import type { Rule } from '../types.js';
import { aiRules } from './ai.js';
import { awsRules } from './aws.js';
import { cloudRules } from './cloud.js';
import { commerceRules } from './commerce.js';
import { credentialFileRules } from './credential-files.js';
import { databaseRules } from './database.js';
import { devtoolRules } from './devtools.js';
import { genericRules } from './generic.js';
import { genericFormRules } from './generic-forms.js';
import { githubRules } from './github.js';
import { gitlabRules } from './gitlab.js';
import { googleRules } from './google.js';
import { hostingRules } from './hosting.js';
import { jwtRules } from './jwt.js';
import { messagingRules } from './messaging.js';
import { observabilityRules } from './observability.js';
import { platformKeyRules } from './platform-keys.js';
import { privateKeyRules } from './private-keys.js';
import { regionalCloudRules } from './regional-cloud.js';
import { saasRules } from './saas.js';
import { shellFormRules } from './shell-forms.js';
import { slackRules } from './slack.js';
import { socialRules } from './social.js';
import { stripeRules } from './stripe.js';
import { tokenwardenRules } from './tokenwarden.js';

export { awsAccountFromKeyId } from './aws.js';
export { hasBase62Crc32 } from './define.js';
export { validateJwt } from './jwt.js';

/**
 * Every built-in rule, most specific first: when two rules match overlapping text the earlier
 * one wins, so provider formats beat the generic assignment rules (listed last) and a GCP
 * service-account file beats the bare PEM key inside it.
 *
 * @example
 * ```ts
 * BUILTIN_RULES.length >= 80; // true
 * ```
 */
export const BUILTIN_RULES: readonly Rule[] = [
  ...tokenwardenRules,
  ...githubRules,
  ...gitlabRules,
  ...slackRules,
  ...stripeRules,
  ...awsRules,
  ...googleRules,
  ...aiRules,
  ...messagingRules,
  ...commerceRules,
  ...cloudRules,
  ...devtoolRules,
  ...observabilityRules,
  ...hostingRules,
  ...saasRules,
  ...regionalCloudRules,
  ...platformKeyRules,
  ...socialRules,
  ...databaseRules,
  ...jwtRules,
  ...credentialFileRules,
  ...privateKeyRules,
  // Before the assignment rules, whose `NAME: value` reading would take `${NAME:-value}`'s `-value`.
  ...shellFormRules,
  ...genericRules,
  ...genericFormRules,
];
