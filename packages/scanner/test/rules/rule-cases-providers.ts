// biome-ignore-all lint/suspicious/noTemplateCurlyInString: literal ${VAR} placeholders are the point of these fixtures
// Positive and negative cases for the provider formats added with the coverage review against
// other scanners' rule lists (see rule-cases.ts for the shape). Negatives: wrong length, wrong
// charset, placeholders and the look-alikes each format is confused with.
import { B62, B64URL, HEX, rnd } from '../fixtures.js';
import { pfx, type RuleCases } from './rule-cases.js';

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const uuid = () => `${rnd(8, HEX)}-${rnd(4, HEX)}-${rnd(4, HEX)}-${rnd(4, HEX)}-${rnd(12, HEX)}`;
const tencentId = `AKID${rnd(32)}`;

export const PROVIDER_RULE_CASES: Record<string, RuleCases> = {
  'tencent-secret-id': pfx('AKID', rnd(32), [
    `AKID${rnd(32, HEX.toUpperCase())}`,
    `AKID${rnd(31)}`,
    'AKIDxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    `XAKID${rnd(32)}`,
  ]),
  'tencent-secret-key': {
    positive: [
      `TENCENTCLOUD_SECRET_ID=${tencentId}\nTENCENTCLOUD_SECRET_KEY=${rnd(32)}`,
      `cred = credential.Credential("${tencentId}", "${rnd(32)}")\nsecretKey: "${rnd(32)}"`,
    ],
    // Without a SecretId nearby a secret_key is anyone's (the generic rules judge it).
    negative: [`SECRET_KEY=${rnd(32)}`, `SecretId=${tencentId}\nSecretKey=${rnd(32, HEX)}`],
  },
  'yandex-api-key': pfx('AQVN', rnd(36, B64URL), [`AQVN${rnd(20)}`, `AQVN${'A'.repeat(36)}`]),
  'yandex-iam-token': {
    positive: [`YC_TOKEN=t1.${rnd(60, B64URL)}.${rnd(86, B64URL)}`, `Authorization: Bearer t1.${rnd(40)}.${rnd(86, B64URL)}`],
    negative: [`t1.${rnd(60)}.${rnd(40)}`, 't1.start(); t1.join();', `t1.${rnd(10)}.${rnd(86)}`],
  },
  'harness-api-token': pfx('pat.', `${rnd(22, B64URL)}.${rnd(24)}.${rnd(20)}`, [
    `pat.${rnd(22)}.${rnd(24)}`,
    `pat.${rnd(22)}.${rnd(24)}.${rnd(12)}`,
  ]),
  'openshift-user-token': pfx('sha256~', rnd(43, B64URL), [`sha256~${rnd(20)}`, `sha256-${rnd(43)}`]),
  'octopus-deploy-api-key': pfx('API-', rnd(26, UPPER_ALNUM), [
    `API-${rnd(26, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')}`,
    `API-${rnd(26, LOWER_ALNUM)}`,
    `API-${rnd(20, UPPER_ALNUM)}`,
  ]),
  'nuget-api-key': pfx('oy2', rnd(43, LOWER_ALNUM), [`oy2${rnd(43, B62)}`, `oy2${rnd(30, LOWER_ALNUM)}`]),
  'defined-networking-api-key': pfx('dnkey-', `${rnd(26, LOWER_ALNUM)}-${rnd(52, LOWER_ALNUM)}`, [`dnkey-${rnd(26, LOWER_ALNUM)}`]),
  'adobe-client-secret': pfx('p8e-', rnd(32), [`p8e-${rnd(16)}`]),
  'maxmind-license-key': pfx('', `${rnd(6)}_${rnd(29)}_mmk`, [`${rnd(6)}_${rnd(20)}_mmk`, `${rnd(6)}_${rnd(29)}_mmx`]),
  'clickhouse-cloud-secret': pfx('4b1d', rnd(38), [`sha1 4b1d${rnd(38, HEX)}`, `4b1d${rnd(30)}`]),
  'settlemint-token': pfx('sm_pat_', rnd(16), [`sm_xyz_${rnd(16)}`, `sm_pat_${rnd(8)}`]),
  'onepassword-secret-key': {
    positive: [
      `OP_SECRET_KEY=A3-${rnd(6, UPPER_ALNUM)}-${rnd(6, UPPER_ALNUM)}-${rnd(5, UPPER_ALNUM)}-${rnd(5, UPPER_ALNUM)}-${rnd(5, UPPER_ALNUM)}-${rnd(5, UPPER_ALNUM)}`,
      `secret key: A3-${rnd(6, UPPER_ALNUM)}-${rnd(11, UPPER_ALNUM)}-${rnd(5, UPPER_ALNUM)}-${rnd(5, UPPER_ALNUM)}-${rnd(5, UPPER_ALNUM)}`,
    ],
    negative: [
      'A3-XXXXXX-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX',
      `A3-${rnd(6, UPPER_ALNUM)}-${rnd(6, UPPER_ALNUM)}`,
      `paper size A3-${rnd(6, UPPER_ALNUM)}`,
    ],
  },
  'adafruit-io-key': pfx('aio_', rnd(28), [`aio_${rnd(28, 'abcdefghijklmnop')}`, `aio_${rnd(20)}`]),
  'intra42-client-secret': pfx('s-s4t2ud-', rnd(64, HEX), [`s-s4t2xx-${rnd(64, HEX)}`]),
  'sidekiq-enterprise-credentials': {
    positive: [
      `source "https://${rnd(8, HEX)}:${rnd(8, HEX)}@enterprise.contribsys.com/"`,
      `export BUNDLE_ENTERPRISE__CONTRIBSYS__COM=${rnd(8, HEX)}:${rnd(8, HEX)}`,
    ],
    negative: [
      'source "https://gems.contribsys.com/"',
      'BUNDLE_GEMS__CONTRIBSYS__COM=xxxxxxxx:xxxxxxxx',
      'BUNDLE_GEMS__CONTRIBSYS__COM=${SIDEKIQ_CREDS}',
    ],
  },
  'snyk-api-token': {
    positive: [`SNYK_TOKEN=${uuid()}`, `snyk auth ${uuid()}`, `"snykApiKey": "${uuid()}"`],
    negative: [
      'SNYK_TOKEN=${{ secrets.SNYK_TOKEN }}',
      'snyk auth 00000000-0000-0000-0000-000000000000',
      `SNYK_ORG_ID=${uuid()}`,
      `snyk test --org=${uuid()}`,
    ],
  },
  'launchdarkly-key': {
    positive: [
      `LAUNCHDARKLY_SDK_KEY=sdk-${uuid()}`,
      `launchdarkly_access_token = "api-${uuid()}"`,
      `ldclient.set_config(Config("sdk-${uuid()}"))`,
    ],
    negative: [
      `request_id: api-${uuid()}`,
      `sdk-${rnd(8, HEX)}-${rnd(4, HEX)}`,
      'sdk-00000000-0000-0000-0000-000000000000',
      `mob-${uuid()}`,
    ],
  },
  'facebook-access-token': pfx('EAAG', rnd(180), [`EAAG${rnd(40)}`, `EAAA${rnd(60)}`, `data:${'EAAG'}${rnd(60)}+${rnd(60)}/${rnd(40)}`]),
  'twitch-oauth-token': {
    positive: [
      `TWITCH_OAUTH_TOKEN=oauth:${rnd(30, LOWER_ALNUM)}`,
      `twitch_client_secret: "${rnd(30, LOWER_ALNUM)}"`,
      `TwitchAccessToken = "${rnd(30, LOWER_ALNUM)}"`,
    ],
    negative: [
      `TWITCH_CLIENT_ID=${rnd(30, LOWER_ALNUM)}`,
      `TWITCH_TOKEN=${rnd(30)}`,
      `TWITCH_TOKEN=${rnd(30, 'abcdefghijklmnopqrstuvwxyz')}`,
      'TWITCH_TOKEN=your_twitch_token_goes_here_',
    ],
  },
  'twitch-chat-token': {
    positive: [`PASS oauth:${rnd(30, LOWER_ALNUM)}`, `"password": "oauth:${rnd(30, LOWER_ALNUM)}"`],
    negative: [
      `oauth:${rnd(20, LOWER_ALNUM)}`,
      'PASS oauth:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      `oauth:${rnd(30, 'abcdefghijklmnopqrstuvwxyz')}`,
    ],
  },
};
