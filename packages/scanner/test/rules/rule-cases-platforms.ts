// biome-ignore-all lint/suspicious/noTemplateCurlyInString: literal ${VAR} placeholders are the point of these fixtures
// Positive and negative cases for the rules of AI, hosting, SaaS, commerce and developer
// platforms added after the first 131 (see rule-cases.ts for the shape and the older rules).
import { B62, B64, B64URL, HEX, rnd } from '../fixtures.js';
import { pfx as prefixedCases, type RuleCases } from './rule-cases.js';

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const uuid = () => `${rnd(8, HEX)}-${rnd(4, HEX)}-${rnd(4, HEX)}-${rnd(4, HEX)}-${rnd(12, HEX)}`;

// The shared shape, with a filler body always among the negatives, beside the rule's own.
const pfx = (prefix: string, body: string, negative: string[] = []): RuleCases =>
  prefixedCases(prefix, body, [...negative, `KEY=${prefix}${'x'.repeat(body.length)}`]);

export const PLATFORM_RULE_CASES: Record<string, RuleCases> = {
  'huggingface-org-token': pfx('api_org_', rnd(34, LETTERS)),
  'xai-api-key': pfx('xai-', rnd(80)),
  'openrouter-api-key': pfx('sk-or-v1-', rnd(64, HEX), [`sk-or-v1-${rnd(64, 'ghijklmnop')}`]),
  'pinecone-api-key': pfx('pcsk_', `${rnd(6)}_${rnd(63)}`),
  'langsmith-api-key': pfx('lsv2_', `pt_${rnd(32, HEX)}_${rnd(10, HEX)}`, [`lsv2_xx_${rnd(32, HEX)}_${rnd(10, HEX)}`]),
  'google-oauth-refresh-token': pfx('1//0', rnd(100, B64URL), [`path = "1//0${'a'.repeat(50)}"`]),
  'google-oauth-access-token': pfx('ya29.', rnd(160, B64URL)),
  'plaid-access-token': {
    positive: [`PLAID_ACCESS_TOKEN=access-production-${uuid()}`, `token: "access-development-${uuid()}"`],
    negative: [`access-staging-${uuid()}`, `item-production-${uuid()}`, 'access-production-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx'],
  },
  'flutterwave-secret-key': pfx('FLWSECK_TEST-', `${rnd(32, 'abcdefgh0123456789')}-X`, [`FLWPUBK_TEST-${rnd(32, HEX)}-X`]),
  'easypost-api-key': pfx('EZAK', rnd(54)),
  'duffel-api-token': pfx('duffel_test_', rnd(43, B64URL)),
  'shippo-api-token': pfx('shippo_live_', rnd(40, HEX)),
  'buildkite-api-token': pfx('bkua_', rnd(40, HEX)),
  'sonarqube-token': pfx('squ_', rnd(40, HEX), [`sqx_${rnd(40, HEX)}`]),
  'circleci-personal-token': pfx('CCIPAT_', `${rnd(22)}_${rnd(40, HEX)}`),
  'bitbucket-app-password': pfx('ATBB', rnd(32)),
  'jfrog-api-key': pfx('AKCp', rnd(69)),
  'jfrog-identity-token': pfx('cmVmdGtu', rnd(56)),
  'clojars-deploy-token': pfx('CLOJARS_', rnd(60, LOWER_ALNUM)),
  'readme-api-key': pfx('rdme_', rnd(70, LOWER_ALNUM)),
  'prefect-api-key': pfx('pnu_', rnd(36)),
  'planetscale-token': pfx('pscale_tkn_', rnd(43, `${B62}_`), [`pscale_xyz_${rnd(43)}`]),
  'neon-api-key': pfx('napi_', rnd(64, LOWER_ALNUM)),
  'render-api-key': pfx('rnd_', rnd(32), ['const rnd_seed = 42;']),
  'tailscale-key': pfx('tskey-auth-', `${rnd(12)}-${rnd(32)}`, [`tskey-other-${rnd(12)}-${rnd(32)}`]),
  'dynatrace-api-token': pfx('dt0c01.', `${rnd(24, UPPER_ALNUM)}.${rnd(64, UPPER_ALNUM)}`),
  'scalingo-api-token': pfx('tk-us-', rnd(48, B64URL)),
  'infracost-api-key': pfx('ico-', rnd(32)),
  'onepassword-service-account-token': pfx('ops_eyJ', rnd(400, B64URL)),
  'hubspot-private-app-token': {
    positive: [`HUBSPOT_ACCESS_TOKEN=pat-na1-${uuid()}`, `"token": "pat-eu1-${uuid()}"`],
    negative: ['pat-na1-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx', `pat-na1-${rnd(8, HEX)}`, `pattern-na1-${uuid()}`],
  },
  'airtable-pat': pfx('pat', `${rnd(14)}.${rnd(64, HEX)}`, [
    `pat${rnd(14)}.${rnd(64, 'ghijklmnop')}`,
    `pat${rnd(14)}`,
    `pat${rnd(14)}.${rnd(63, 'ABCDEF')}1`,
    `pat${rnd(14)}.${'0'.repeat(64)}`,
  ]),
  'clickup-api-token': pfx('pk_', `${rnd(8, '0123456789')}_${rnd(32, UPPER_ALNUM)}`, [`pk_live_${rnd(24)}`]),
  'segment-public-api-token': pfx('sgp_', rnd(64)),
  'sourcegraph-access-token': pfx('sgp_', rnd(40, HEX)),
  'posthog-personal-api-key': pfx('phx_', rnd(43), [`phc_${rnd(43)}`]),
  'contentful-pat': pfx('CFPAT-', rnd(43, B64URL)),
  'mapbox-secret-token': pfx('sk.eyJ', `${rnd(60)}.${rnd(22, B64URL)}`, [`pk.eyJ${rnd(60)}.${rnd(22)}`]),
  'dropbox-access-token': pfx('sl.', rnd(140, B64URL), [`see sl.${'ab'.repeat(70)}`]),
  'typeform-pat': pfx('tfp_', rnd(59, `${B62}_`)),
  'frameio-api-token': pfx('fio-u-', rnd(64, B64URL)),
  'brevo-api-key': pfx('xkeysib-', `${rnd(64, HEX)}-${rnd(16)}`, [`xkeysib-${rnd(64, HEX)}`]),
  'gitlab-ci-job-token': pfx('glcbt-', `64_${rnd(20, `${B62}_-`)}`, ['glcbt-xyz_abcdefghij']),
  'gitlab-feature-flags-client-token': pfx('glffct-', rnd(20, `${B62}_-`)),
  'azure-service-bus-connection-string': {
    positive: [
      `Endpoint=sb://acme-prod.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${rnd(43, B64)}=`,
      `HostName=acme-hub.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=${rnd(43, B64)}=`,
    ],
    negative: [
      'Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=<key>',
      `SharedAccessKey=${'A'.repeat(43)}=`,
      `SharedAccessKey=${rnd(86, B64)}==`,
    ],
  },
  'azure-devops-pat': {
    positive: [`AZURE_DEVOPS_EXT_PAT=${rnd(76)}AZDO${rnd(4)}`, `git clone https://pat:${rnd(76)}AZDO${rnd(4)}@dev.azure.com/acme/x/_git/x`],
    negative: [`${rnd(70)}AZDO${rnd(4)}`, `${'x'.repeat(76)}AZDO${'x'.repeat(4)}`, `${rnd(77)}AZDO${rnd(4)}`],
  },
  'azure-devops-pat-legacy': {
    positive: [
      `AZURE_DEVOPS_PAT=${rnd(50, 'abcdefghijklmnopqrstuvwxyz234567')}q7`,
      `echo ${rnd(50, 'abcdefghijklmnopqrstuvwxyz234567')}k3 | az devops login`,
    ],
    negative: [`nix_hash=${rnd(50, 'abcdefghijklmnopqrstuvwxyz234567')}q7`, `AZURE_DEVOPS_PAT=${'ab'.repeat(26)}`],
  },
  'firebase-cloud-messaging-server-key': {
    positive: [
      `FCM_SERVER_KEY=AAAA${rnd(7, B64URL)}:APA91b${rnd(134, B64URL)}`,
      `"Authorization": "key=AAAA${rnd(7, B64URL)}:APA91b${rnd(134, B64URL)}"`,
    ],
    negative: [`AAAA${rnd(7, B64URL)}:APA91b${'x'.repeat(134)}`, `AAAA${rnd(7, B64URL)}:APA91b${rnd(100, B64URL)}`],
  },
  'twitter-bearer-token': {
    positive: [`TWITTER_BEARER_TOKEN=${'A'.repeat(22)}${rnd(8)}${'A'.repeat(7)}${rnd(6)}%2B${rnd(20)}%3D${rnd(50)}`],
    negative: [
      // Zero bytes in base64 data, and a run of A's without the URL-encoded part.
      `data:font/woff2;base64,${'A'.repeat(30)}${rnd(120, `${B62}+/`)}a+b`,
      `${'A'.repeat(22)}${rnd(90)}`,
      `${'A'.repeat(22)}${'x'.repeat(40)}%3D${'x'.repeat(40)}`,
    ],
  },
  'cloudinary-url': {
    positive: [`CLOUDINARY_URL=cloudinary://${rnd(15, '0123456789')}:${rnd(27, B64URL)}@acme-cloud`],
    negative: ['CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@CLOUD_NAME', `cloudinary://${rnd(15, '0123456789')}:<your_api_secret>@demo`],
  },
  'sshpass-password': {
    positive: [`sshpass -p '${rnd(12)}!9' ssh deploy@10.0.0.5`, `sshpass -v -p${rnd(12)}7x scp dump.sql ops@db:/tmp`],
    negative: ['sshpass -p "$SSHPASS" ssh deploy@host', 'sshpass -e ssh deploy@host', 'sshpass -p password ssh x@y'],
  },
  'laravel-app-key': {
    positive: [`APP_KEY=base64:${rnd(43, B64)}=`, `'key' => env('APP_KEY'),\n'APP_KEY' => 'base64:${rnd(43, B64)}=',`],
    negative: ['APP_KEY=', 'APP_KEY=base64:', `APP_KEY=base64:${'A'.repeat(43)}=`, 'APP_KEY=SomeRandomString'],
  },
  'generic-name-value-secret': {
    positive: [
      `env:\n  - name: DB_PASSWORD\n    value: "${rnd(10)}#${rnd(3)}7"\n`,
      `{"containerDefinitions": [{"environment": [{"name": "API_TOKEN", "value": "${rnd(30)}9q"}]}]}`,
    ],
    negative: [
      'env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db\n        key: password\n',
      'env:\n  - name: API_TOKEN\n    value: "${API_TOKEN}"\n',
      `env:\n  - name: LOG_LEVEL\n    value: "${rnd(30)}9q"\n`,
      `{"name": "username", "value": "${rnd(30)}9q"}`,
    ],
  },
  'terraform-variable-default-secret': {
    positive: [`variable "db_password" {\n  type      = string\n  default   = "${rnd(10)}#${rnd(3)}7"\n}`],
    negative: [
      'variable "db_password" {\n  type      = string\n  sensitive = true\n}',
      `variable "region" {\n  default = "${rnd(12)}7"\n}`,
      'variable "api_token" {\n  default = "changeme"\n}',
    ],
  },
  'powershell-plaintext-secure-string': {
    positive: [`$pw = ConvertTo-SecureString "${rnd(10)}#${rnd(3)}7" -AsPlainText -Force`],
    negative: [
      '$pw = ConvertTo-SecureString $env:ADMIN_PASSWORD -AsPlainText -Force',
      '$pw = ConvertTo-SecureString "password" -AsPlainText -Force',
    ],
  },
  'service-url-with-password': {
    positive: [
      `CLICKHOUSE_URL=clickhouse://default:${rnd(10)}7${rnd(5)}@ch.acme-corp.net:8123/default`,
      `upload: sftp://deploy:${rnd(10)}7${rnd(5)}@files.acme-corp.net/incoming`,
      `SNOWFLAKE_URL = "snowflake://etl:${rnd(10)}7${rnd(5)}@acme-xy12345/analytics"`,
    ],
    negative: [
      'ftp://anonymous:guest@ftp.example.org/pub',
      'smtp://mailer:${SMTP_PASSWORD}@smtp.acme-corp.net:587',
      'ldap://ldap.acme-corp.net:389/dc=acme,dc=net',
    ],
  },
};
