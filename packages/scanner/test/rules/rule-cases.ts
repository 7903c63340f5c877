// biome-ignore-all lint/suspicious/noTemplateCurlyInString: literal ${VAR} placeholders are the point of these fixtures
// Positive and negative cases for every built-in rule. A positive must be reported by its rule;
// a negative must not be reported by that rule.
import { randomBytes } from 'node:crypto';
import { crc32 } from '@tokenwarden/core/formats';
import { B62, B64, B64URL, BASE32, BECH32, breakChecksum, crcToken, HEX, jwt, opensshKey, pem, rnd, twToken } from '../fixtures.js';

export interface RuleCases {
  positive: string[];
  negative: string[];
}

const future = Math.floor(Date.now() / 1000) + 86400 * 365;
const sid = `AC${rnd(32, HEX)}`;
const lower = 'abcdefghijklmnopqrstuvwxyz0123456789';
const gh = (p: string): RuleCases => {
  const t = crcToken(p);
  return { positive: [`GITHUB_TOKEN=${t}`, `"token": "${crcToken(p)}"`], negative: [`GITHUB_TOKEN=${breakChecksum(t)}`, `${p}${rnd(20)}`] };
};
const gl = (p: string): RuleCases => ({
  positive: [`token: ${p}${rnd(20, `${B62}_-`)}`],
  negative: [`token: ${p}xxxxxxxxxxxxxxxxxxxx`, `${p}short`],
});
// A routable GitLab token as GitLab 17.x+ mints it (lib/authn/token_field/generator/routable_token.rb):
// base64url of 16 random bytes, the routing payload and its size; `.01.`; the base64 length in
// base36; the CRC32 of all that in base36.
const routableGitlab = (prefix: string): string => {
  const routing = `o:${rnd(4, lower)}\nu:${rnd(3, lower)}`;
  const payload = Buffer.concat([randomBytes(16), Buffer.from(routing), Buffer.from([routing.length])]).toString('base64url');
  const head = `${prefix}${payload}.01.${payload.length.toString(36).padStart(2, '0')}`;
  return `${head}${crc32(head).toString(36).padStart(7, '0')}`;
};
const breakRoutable = (token: string): string => `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`;
/** A prefixed token in a config and in code; negatives: `negative` (default: a filler body) and a cut-off body. */
export const pfx = (
  prefix: string,
  body: string,
  negative: string[] = [`${prefix}${'x'.repeat(Math.max(1, body.length))}`],
): RuleCases => ({
  positive: [`KEY=${prefix}${body}`, `config("${prefix}${body}")`],
  negative: [...negative, `${prefix}${body.slice(0, 4)}`],
});
const awsId = (p: string) => `${p}${rnd(16, BASE32)}`;
const discordId = Buffer.from('412345678901234567').toString('base64').replace(/=+$/, '');
const sas = `https://acct.blob.core.windows.net/c/f.txt?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&sig=${rnd(43, B62)}%3D`;
const dockerAuth = Buffer.from(`robot:${rnd(24)}`).toString('base64');
const dbPass = `${rnd(10)}!${rnd(6)}`;
const db = (scheme: string): RuleCases => ({
  positive: [`url = "${scheme}://app:${dbPass}@db.internal.acme.net:5432/main"`],
  negative: [
    `url = "${scheme}://app:\${DB_PASSWORD}@db.internal.acme.net/main"`,
    `url = "${scheme}://db.internal.acme.net/main"`,
    `url = "${scheme}://app:password@db/x"`,
  ],
});
// A PuTTY key file (format 3): public and private lines, as puttygen writes them.
const ppk = (encryption: string) =>
  [
    'PuTTY-User-Key-File-3: ssh-ed25519',
    `Encryption: ${encryption}`,
    'Comment: deploy@build-01',
    'Public-Lines: 2',
    `AAAAC3NzaC1lZDI1NTE5AAAAI${rnd(39, B64)}`,
    rnd(24, B64),
    'Private-Lines: 1',
    `AAAAI${rnd(59, B64)}`,
    `Private-MAC: ${rnd(64, HEX)}`,
    '',
  ].join('\n');
const privateKey = (label: string): RuleCases => ({
  positive: [pem(label), `key = "${pem(label).replace(/\n/g, '\\n')}"`],
  negative: [`-----BEGIN ${label}-----\n...\n-----END ${label}-----`, pem(label.replace('PRIVATE', 'PUBLIC'))],
});

const AGE = 'AGE-SECRET-KEY-' + '1';
// A Sentry organisation token as sentry-cli's docs show it: base64 of its claims, `_`, a secret.
const sentryOrgToken = () => {
  const claims = { iat: 1712345678.9, url: 'https://sentry.io', region_url: 'https://us.sentry.io', org: 'acme' };
  return `sntrys_${Buffer.from(JSON.stringify(claims)).toString('base64').replace(/=+$/, '')}_${rnd(43, B64)}`;
};

export const RULE_CASES: Record<string, RuleCases> = {
  'tokenwarden-token': {
    positive: [`API_KEY=${twToken('k')}`, `refresh: ${twToken('r')}`, `secret=${twToken('c')}`],
    negative: [breakChecksum(twToken('k')), 'tw_k_nope', `tw_x_${rnd(38)}`],
  },
  'github-pat': gh('ghp_'),
  'github-oauth-token': gh('gho_'),
  'github-user-to-server-token': gh('ghu_'),
  'github-server-to-server-token': gh('ghs_'),
  'github-refresh-token': gh('ghr_'),
  'github-fine-grained-pat': pfx('github_pat_', `${rnd(22)}_${rnd(59)}`, [
    'github_pat_11AAAAAAAAAAAAAAAAAAAAAA_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  ]),
  'gitlab-pat': {
    positive: [...gl('glpat-').positive, `GITLAB_TOKEN=${routableGitlab('glpat-')}`],
    negative: [...gl('glpat-').negative, `GITLAB_TOKEN=${breakRoutable(routableGitlab('glpat-'))}`],
  },
  'gitlab-deploy-token': gl('gldt-'),
  'gitlab-runner-token': gl('glrt-'),
  'gitlab-pipeline-trigger-token': gl('glptt-'),
  'gitlab-oauth-app-secret': gl('gloas-'),
  'gitlab-feed-token': gl('glft-'),
  'gitlab-incoming-mail-token': gl('glimt-'),
  'gitlab-agent-token': gl('glagent-'),
  'gitlab-scim-token': gl('glsoat-'),
  'gitlab-runner-registration-token': pfx('GR1348941', rnd(20, `${B62}_-`)),
  'slack-bot-token': pfx('xoxb-', `${rnd(12, '0123456789')}-${rnd(13, '0123456789')}-${rnd(24)}`, [
    'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy',
  ]),
  'slack-user-token': pfx('xoxp-', `${rnd(12, '0123456789')}-${rnd(12, '0123456789')}-${rnd(12, '0123456789')}-${rnd(32, HEX)}`),
  'slack-legacy-token': pfx('xoxs-', `${rnd(10, '0123456789')}-${rnd(24)}`),
  'slack-config-token': pfx('xoxe.xoxp-', `1-${rnd(150)}`),
  'slack-config-refresh-token': pfx('xoxe-', `1-${rnd(146)}`),
  'slack-app-token': pfx('xapp-', `1-A${rnd(10, BASE32)}-${rnd(13, '0123456789')}-${rnd(64, HEX)}`),
  'slack-webhook': {
    positive: [`url: https://hooks.slack.com/services/T${rnd(10, BASE32)}/B${rnd(10, BASE32)}/${rnd(24)}`],
    negative: ['url: https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX', 'https://hooks.slack.com/'],
  },
  'stripe-secret-key': pfx('sk_live_', rnd(99)),
  'stripe-restricted-key': pfx('rk_live_', rnd(99)),
  'stripe-secret-key-test': pfx('sk_test_', rnd(99), ['sk_test_4eC39HqLyjWDarjtT1zdp7dc']),
  'stripe-restricted-key-test': pfx('rk_test_', rnd(99)),
  'stripe-webhook-secret': pfx('whsec_', rnd(32)),
  'aws-access-key-id': {
    positive: [`aws_access_key_id = ${awsId('AKIA')}`],
    negative: ['aws_access_key_id = AKIAIOSFODNN7EXAMPLE', `AKIA${rnd(16, BASE32).toLowerCase()}`, `XAKIA${rnd(16, BASE32)}`],
  },
  'aws-temporary-access-key-id': {
    positive: [`"AccessKeyId": "${awsId('ASIA')}"`],
    negative: ['ASIAIOSFODNN7EXAMPLE', `ASIA${rnd(12, BASE32)}`],
  },
  'aws-secret-access-key': {
    positive: [
      `aws_access_key_id = ${awsId('AKIA')}\naws_secret_access_key = ${rnd(40, B64)}`,
      `AWS_SECRET_ACCESS_KEY="${rnd(40, B64)}"`,
      // Terraform's provider block and Spring Cloud AWS name it secret_key / secret-key.
      `provider "aws" {\n  access_key = "${awsId('AKIA')}"\n  secret_key = "${rnd(38, B64)}a1"\n}`,
      `cloud.aws.credentials.access-key=${awsId('AKIA')}\ncloud.aws.credentials.secret-key=${rnd(38, B64)}Z9`,
    ],
    negative: [
      // Without a key id, `secret_key` is anyone's (the generic rules judge it).
      `secret_key = "${rnd(38, B64)}a1"`,
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}',
      `aws_secret_access_key = ${'a'.repeat(40)}`,
    ],
  },
  'aws-secret-access-key-pair': {
    positive: [`${awsId('AKIA')},${rnd(40, B64)}`],
    negative: ['AKIAIOSFODNN7EXAMPLE,wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', `${awsId('AKIA')},${'b'.repeat(40)}`],
  },
  'google-api-key': pfx('AIza', rnd(35, `${B62}_-`)),
  'google-oauth-client-secret': pfx('GOCSPX-', rnd(28, `${B62}_-`)),
  'gcp-service-account-key': {
    positive: [
      JSON.stringify(
        {
          type: 'service_account',
          project_id: 'acme-prod',
          private_key_id: rnd(40, HEX),
          private_key: `${pem('PRIVATE KEY')}\n`,
          client_email: 'ci@acme-prod.iam.gserviceaccount.com',
        },
        null,
        2,
      ),
    ],
    negative: [
      JSON.stringify({ type: 'service_account', project_id: 'acme-prod', client_email: 'ci@acme-prod.iam.gserviceaccount.com' }),
      JSON.stringify({ type: 'authorized_user', private_key: 'n/a' }),
    ],
  },
  'openai-project-key': pfx('sk-proj-', rnd(120, `${B62}_-`)),
  'openai-service-account-key': pfx('sk-svcacct-', rnd(120, `${B62}_-`)),
  'openai-admin-key': pfx('sk-admin-', rnd(120, `${B62}_-`)),
  'openai-api-key': {
    positive: [`OPENAI_API_KEY=sk-${rnd(20)}T3BlbkFJ${rnd(20)}`],
    negative: [`OPENAI_API_KEY=sk-${rnd(20)}${rnd(28)}`, 'sk-T3BlbkFJ'],
  },
  'anthropic-api-key': pfx('sk-ant-api03-', `${rnd(93, `${B62}_-`)}AA`),
  'anthropic-admin-key': pfx('sk-ant-admin01-', `${rnd(93, `${B62}_-`)}AA`),
  'huggingface-token': pfx('hf_', rnd(34, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz')),
  'groq-api-key': pfx('gsk_', rnd(52)),
  'replicate-api-token': pfx('r8_', rnd(37)),
  'perplexity-api-key': pfx('pplx-', rnd(48)),
  'twilio-api-key': {
    positive: [`TWILIO_API_KEY=SK${rnd(32, HEX)}`],
    negative: [`TWILIO_API_KEY=SK${'0'.repeat(32)}`, `SK${rnd(31, HEX)}`, `XSK${rnd(32, HEX)}`],
  },
  'twilio-auth-token': {
    positive: [`TWILIO_ACCOUNT_SID=${sid}\nTWILIO_AUTH_TOKEN=${rnd(32, HEX)}`],
    negative: [`auth_token = "${rnd(32, HEX)}"`, `TWILIO_AUTH_TOKEN=\${TWILIO_AUTH_TOKEN}`],
  },
  'sendgrid-api-key': pfx('SG.', `${rnd(22, `${B62}_-`)}.${rnd(43, `${B62}_-`)}`),
  'mailgun-api-key': pfx('key-', rnd(32, HEX)),
  'mailchimp-api-key': {
    positive: [`MAILCHIMP_KEY=${rnd(32, HEX)}-us14`],
    negative: [`MAILCHIMP_KEY=${rnd(31, HEX)}-us14`, `${'0'.repeat(32)}-us1`],
  },
  'telegram-bot-token': {
    positive: [`BOT_TOKEN=${rnd(10, '123456789')}:AA${rnd(33, `${B62}_-`)}`],
    negative: [`BOT_TOKEN=${rnd(10, '123456789')}:AB${rnd(33)}`, 'time 12:AA'],
  },
  'discord-bot-token': {
    positive: [`DISCORD_BOT_TOKEN=${discordId}.${rnd(6, `${B62}_-`)}.${rnd(38, `${B62}_-`)}`],
    negative: [
      `DISCORD_BOT_TOKEN=${Buffer.from('not-an-id-at-all-x').toString('base64')}.${rnd(6)}.${rnd(38)}`,
      `discord: ${discordId}.${rnd(6)}`,
    ],
  },
  'discord-webhook': {
    positive: [`https://discord.com/api/webhooks/${rnd(18, '0123456789')}/${rnd(68, `${B62}_-`)}`],
    negative: ['https://discord.com/api/webhooks/123/abc', 'https://example.com/api/webhooks/123456789012345678/abc'],
  },
  'microsoft-teams-webhook': {
    positive: [
      `https://acme.webhook.office.com/webhookb2/${rnd(8, HEX)}-${rnd(4, HEX)}-${rnd(4, HEX)}-${rnd(4, HEX)}-${rnd(12, HEX)}@${rnd(8, HEX)}-${rnd(4, HEX)}-${rnd(4, HEX)}-${rnd(4, HEX)}-${rnd(12, HEX)}/IncomingWebhook/${rnd(32, HEX)}/${rnd(8, HEX)}-${rnd(4, HEX)}-${rnd(4, HEX)}-${rnd(4, HEX)}-${rnd(12, HEX)}`,
    ],
    negative: ['https://acme.webhook.office.com/webhookb2/'],
  },
  'postman-api-key': pfx('PMAK-', `${rnd(24, HEX)}-${rnd(34, HEX)}`),
  'shopify-access-token': pfx('shpat_', rnd(32, HEX)),
  'shopify-custom-app-token': pfx('shpca_', rnd(32, HEX)),
  'shopify-private-app-token': pfx('shppa_', rnd(32, HEX)),
  'shopify-shared-secret': pfx('shpss_', rnd(32, HEX)),
  'square-access-token': pfx('EAAA', rnd(60, `${B62}_-`)),
  'square-oauth-secret': pfx('sq0csp-', rnd(43, `${B62}_-`)),
  'square-legacy-access-token': pfx('sq0atp-', rnd(22, `${B62}_-`)),
  'braintree-access-token': {
    positive: [`BT=access_token$production$${rnd(16, lower)}$${rnd(32, HEX)}`],
    negative: ['access_token$production$xxxx$yyyy', 'access_token=abc'],
  },
  'digitalocean-pat': pfx('dop_v1_', rnd(64, HEX)),
  'digitalocean-oauth-token': pfx('doo_v1_', rnd(64, HEX)),
  'digitalocean-refresh-token': pfx('dor_v1_', rnd(64, HEX)),
  'azure-storage-connection-string': {
    positive: [`DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey=${rnd(86, B64)}==;EndpointSuffix=core.windows.net`],
    negative: ['DefaultEndpointsProtocol=https;AccountName=devstoreaccount1;AccountKey=<your-account-key>;', 'AccountKey=abc=='],
  },
  'azure-sas-token': {
    positive: [sas],
    negative: [
      `https://x.io/cb?sig=${rnd(44)}`,
      'SharedAccessSignature sig=<signature>',
      'https://acct.blob.core.windows.net/c?sv=2022-11-02&sp=r&sig=<signature>',
    ],
  },
  'azure-ad-client-secret': {
    positive: [`AZURE_CLIENT_SECRET=${rnd(3)}8Q~${rnd(34, `${B62}_.-`)}`],
    negative: [`AZURE_CLIENT_SECRET=${rnd(3)}9Q~${rnd(34)}`, 'abc8Q~short'],
  },
  'alibaba-access-key-id': pfx('LTAI', rnd(20)),
  'cloudflare-api-token': {
    positive: [`CLOUDFLARE_API_TOKEN=${rnd(40, `${B62}_-`)}`],
    negative: [`CLOUDFLARE_API_TOKEN=${rnd(20)}`, `CLOUDFLARE_API_TOKEN=\${CF_TOKEN}`],
  },
  'heroku-api-key': pfx('HRKU-', rnd(60, `${B62}_-`)),
  'heroku-api-key-legacy': {
    positive: [`HEROKU_API_KEY=${rnd(8, HEX)}-${rnd(4, HEX)}-${rnd(4, HEX)}-${rnd(4, HEX)}-${rnd(12, HEX)}`],
    negative: [`request_id=${rnd(8, HEX)}-${rnd(4, HEX)}-${rnd(4, HEX)}-${rnd(4, HEX)}-${rnd(12, HEX)}`, 'HEROKU_API_KEY=abc'],
  },
  'netlify-token': pfx('nfp_', rnd(36)),
  'vercel-token': pfx('vcp_', rnd(56)),
  'vercel-token-legacy': {
    positive: [`VERCEL_TOKEN=${rnd(24)}`],
    negative: [`VERCEL_TOKEN=${rnd(12)}`, 'VERCEL_TOKEN=${{ secrets.VERCEL_TOKEN }}'],
  },
  'supabase-access-token': pfx('sbp_', rnd(40, HEX)),
  'supabase-secret-key': pfx('sb_secret_', rnd(31, `${B62}_-`)),
  'databricks-token': pfx('dapi', rnd(32, HEX)),
  'flyio-token': pfx('fo1_', rnd(43, `${B62}_-`)),
  'flyio-macaroon-token': {
    positive: [`FLY_API_TOKEN="FlyV1 fm2_${rnd(160, B64)},fm2_${rnd(120, B64)}"`, `fly deploy -t fm1r_${rnd(140, B64)}=`],
    negative: [`FlyV1 fm2_${rnd(40, B64)}`, `fm2_${'A'.repeat(120)}`, `xfm2_${rnd(140, B64)}`],
  },
  'npm-token': gh('npm_'),
  'pypi-token': pfx('pypi-AgEIcHlwaS5vcmc', rnd(70, `${B62}_-`)),
  'rubygems-api-key': pfx('rubygems_', rnd(48, HEX)),
  'dockerhub-pat': pfx('dckr_pat_', rnd(27, `${B62}_-`)),
  'vault-service-token': pfx('hvs.', rnd(90, `${B62}_-`)),
  'vault-batch-token': pfx('hvb.', rnd(138, `${B62}_-`)),
  'terraform-cloud-token': {
    positive: [`token = "${rnd(14)}.atlasv1.${rnd(67, `${B62}_-`)}"`],
    negative: ['token = "xxxxxxxxxxxxxx.atlasv1.xxxx"', `${rnd(14)}.atlasv2.${rnd(67)}`],
  },
  'doppler-token': {
    positive: [`DOPPLER_TOKEN=dp.pt.${rnd(43)}`, `DOPPLER_TOKEN=dp.st.prd.${rnd(43)}`],
    negative: ['DOPPLER_TOKEN=dp.pt.xxxxxxxx', `dp.zz.${rnd(43)}`],
  },
  'linear-api-key': pfx('lin_api_', rnd(40)),
  'notion-integration-token': pfx('ntn_', `${rnd(11, '0123456789')}${rnd(35)}`),
  'notion-integration-token-legacy': {
    positive: [`NOTION_TOKEN=secret_${rnd(43)}`],
    negative: [`client_secret_${rnd(43)}`, `secret_${'a'.repeat(43)}`],
  },
  'figma-pat': pfx('figd_', rnd(40, `${B62}_-`)),
  'atlassian-api-token': pfx('ATATT3', rnd(186, `${B62}_-`)),
  'okta-api-token': {
    positive: [`Authorization: SSWS 00${rnd(40, `${B62}_-`)}`],
    negative: ['Authorization: SSWS ${OKTA_TOKEN}', `Authorization: SSWS ${rnd(20)}`],
  },
  'pulumi-access-token': pfx('pul-', rnd(40, HEX)),
  'sentry-dsn': {
    positive: [`SENTRY_DSN=https://${rnd(32, HEX)}@o${rnd(6, '0123456789')}.ingest.sentry.io/${rnd(7, '0123456789')}`],
    negative: ['SENTRY_DSN=https://public@sentry.example.com/1', 'https://sentry.io/organizations/acme/'],
  },
  'sentry-auth-token': {
    positive: [`SENTRY_AUTH_TOKEN=${sentryOrgToken()}`, `auth.token=sntryu_${rnd(64, HEX)}`],
    negative: [
      // The shape without the JSON every organisation token carries, and a cut user token.
      `SENTRY_AUTH_TOKEN=sntrys_${rnd(150, `${B64}=_`)}`,
      `sntryu_${rnd(40, HEX)}`,
      `sntryu_${rnd(64)}`,
    ],
  },
  'datadog-api-key': {
    positive: [`DD_API_KEY=${rnd(32, HEX)}`, `datadog_app_key: "${rnd(40, HEX)}"`],
    negative: [`DD_API_KEY=${rnd(16, HEX)}`, 'DD_API_KEY=<your-datadog-api-key>'],
  },
  'newrelic-user-api-key': pfx('NRAK-', rnd(27, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')),
  'newrelic-insert-key': pfx('NRII-', rnd(32, `${B62}_-`)),
  'newrelic-license-key': { positive: [`license_key: ${rnd(36, HEX)}NRAL`], negative: [`license_key: ${rnd(30, HEX)}NRAL`, 'NRAL'] },
  'age-secret-key': {
    // Keys made by age-keygen for this test and thrown away (Bech32: their last 6 characters are
    // the checksum), written in two parts so that a scan of this repository does not list them.
    positive: [
      `# created: 2026-11-30\n${AGE}GXU0F6NQGKHUWGHJ8UGJKDJCTWSDTMHUJ882SSMU6XXGTF4QNRKS6CZCVQ`,
      `SOPS_AGE_KEY=${AGE}PNGKHW6UR2WTJV4DPZWU4EQDUWXA60HGEMS9XMMX8AT3D7LUHS0Q54Y3M4`,
    ],
    negative: [
      `${AGE}GXU0F6NQGKHUWGHJ8UGJKDJCTWSDTMHUJ882SSMU6XXGTF4QNRKS6CZCVP`, // the first positive with its last character changed
      `AGE-SECRET-KEY-1${rnd(58, BECH32)}`,
      `AGE-SECRET-KEY-1${rnd(40, BECH32)}`,
      'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p',
    ],
  },
  'postgres-url': {
    positive: [...db('postgres').positive, `SQLALCHEMY_DATABASE_URI = "postgresql+psycopg2://app:${dbPass}@db.internal.acme.net/main"`],
    negative: [...db('postgres').negative, `url = "postgresql+asyncpg://app:\${DB_PASSWORD}@db.internal.acme.net/main"`],
  },
  'mysql-url': {
    positive: [...db('mysql').positive, `engine = create_engine("mysql+pymysql://app:${dbPass}@10.0.3.17/shop")`],
    negative: db('mysql').negative,
  },
  'mongodb-url': db('mongodb+srv'),
  'redis-url': db('rediss'),
  'amqp-url': db('amqps'),
  'mssql-url': db('sqlserver'),
  jwt: {
    positive: [`Authorization: Bearer ${jwt({ sub: 'user-1', iss: 'https://auth.acme.io', exp: future })}`],
    negative: [
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
      `eyJ${rnd(30, B64URL)}.eyJ${rnd(40, B64URL)}.${rnd(43, B64URL)}`,
      jwt({ sub: 'x' }, { alg: 'none' }),
    ],
  },
  'docker-config-auth': {
    positive: [`{"auths": {"registry.acme.io": {"auth": "${dockerAuth}"}}}`],
    negative: [`{"auths": {"r.io": {"auth": "${Buffer.from('nocolonhere-at-all').toString('base64')}"}}}`, '{"auth": ""}'],
  },
  'npmrc-auth-token': {
    positive: [`//registry.acme.io/:_authToken=${rnd(36, `${B62}-`)}`],
    negative: [
      '//registry.npmjs.org/:_authToken=${NPM_TOKEN}',
      '//r.io/:_authToken=short',
      `ENV DB_PASSWORD=${rnd(24)}`,
      // Minified JavaScript (a URL parser) assigning members.
      'this._username=s._username,this._password=s._password;break e}if("/"==y)',
    ],
  },
  'netrc-password': {
    positive: [`machine api.acme.io login bob password ${rnd(18)}`],
    negative: ['machine api.acme.io login bob password ********', 'machine api.acme.io login bob'],
  },
  'git-credentials-url': {
    positive: [`https://bob:${rnd(20)}@github.com`, `git remote add origin https://x-access-token:${rnd(24)}@git.acme.io/org/repo.git`],
    negative: ['https://user:password@github.com', 'https://bob:${TOKEN}@github.com', 'https://github.com/org/repo'],
  },
  'pypirc-password': {
    positive: [`[distutils]\nindex-servers = pypi\n[pypi]\nusername = bob\npassword = ${rnd(20)}`],
    negative: ['[pypi]\nusername = bob\npassword = <your-password>', `password = ${rnd(20)}`],
  },
  'kubeconfig-token': {
    positive: [
      `users:\n- name: admin\n  user:\n    token: ${rnd(60, `${B62}._-`)}`,
      `users:\n- name: a\n  user:\n    client-key-data: ${rnd(120, B64)}=`,
    ],
    negative: ['users:\n- name: admin\n  user:\n    token: <token>', `token: ${rnd(60)}`],
  },
  'private-key-rsa': privateKey('RSA PRIVATE KEY'),
  'private-key-ec': privateKey('EC PRIVATE KEY'),
  'private-key-dsa': privateKey('DSA PRIVATE KEY'),
  'putty-private-key': {
    positive: [ppk('none'), ppk('aes256-cbc').replace(/\n/g, '\r\n')],
    negative: [
      ppk('none').replace(/Private-Lines: 1\n[^\n]+/, 'Private-Lines: 1\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'),
      ppk('none').split('Private-Lines')[0] as string,
    ],
  },
  'private-key-openssh': {
    ...privateKey('OPENSSH PRIVATE KEY'),
    // What ssh-keygen writes, runs of 'A' included; and one under a passphrase.
    positive: [...privateKey('OPENSSH PRIVATE KEY').positive, opensshKey(), opensshKey('aes256-ctr')],
  },
  'private-key-pkcs8': {
    ...privateKey('PRIVATE KEY'),
    negative: ['-----BEGIN PRIVATE KEY-----\n<redacted>\n-----END PRIVATE KEY-----', pem('CERTIFICATE'), pem('PUBLIC KEY')],
  },
  'private-key-encrypted': privateKey('ENCRYPTED PRIVATE KEY'),
  'private-key-pgp': {
    positive: [
      `-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\n${rnd(64, B64)}\n${rnd(64, B64)}\n=${rnd(4, B64)}\n-----END PGP PRIVATE KEY BLOCK-----`,
    ],
    negative: [pem('PGP PUBLIC KEY BLOCK'), '-----BEGIN PGP PRIVATE KEY BLOCK-----\n...\n-----END PGP PRIVATE KEY BLOCK-----'],
  },
  'generic-password': {
    positive: [
      `DB_PASSWORD="${rnd(10)}#${rnd(4)}"`,
      `spring.datasource.password: ${rnd(8)}!9a`,
      // wp-config.php, and names holding a word that holds a metadata word (admin: min, keystore: store).
      `define( 'DB_PASSWORD', '${rnd(18)}x9' );`,
      `ADMIN_PASSWORD="${rnd(10)}#${rnd(4)}"`,
      `KEYSTORE_PASSWORD=${rnd(10)}#${rnd(4)}`,
      `keyStorePassword: "${rnd(10)}#${rnd(4)}"`,
      `props.put("db.password", "${rnd(10)}#${rnd(4)}");`,
      // The last pair of a quoted .NET connection string ends in `;"`, not a C statement.
      `<add name="Default" connectionString="Server=db;User Id=sa;Password=${rnd(10)}#${rnd(4)};" />`,
    ],
    negative: [
      'PASSWORD_MIN_LENGTH = "twelve-characters"',
      `define('DB_PASSWORD', getenv('DB_PASSWORD'));`,
      'SENSITIVE = ("password", "password_confirmation")',
      // Password hashes (Django fixtures, Werkzeug): what a password is checked against.
      `"password": "pbkdf2_sha256$260000$${rnd(12)}$${rnd(43, B64)}="`,
      `password = "scrypt:32768:8:1$${rnd(16)}$${rnd(128, HEX)}"`,
      // A list of field paths (pino's redact option), not a name and its value.
      "redact: { paths: ['users.*.password', 'users.*.profile.preferences.apiKey'] }",
      'password = "changeme"',
      'password: ${DB_PASSWORD}',
      'password = getPassword()',
      'password_hash = "5f4dcc3b5aa765d61d8327deb882cf99"',
      'password = "hunter2"',
    ],
  },
  'generic-secret': {
    positive: [
      `client_secret = "${rnd(32)}"`,
      `const apiKey = '${rnd(40, `${B62}_-`)}';`,
      `module.exports = { apiKey: "${rnd(32, HEX)}" };`,
      // Names that merely contain a metadata word: ADMIN (min), REFRESH (ref).
      `ALGOLIA_ADMIN_API_KEY = "${rnd(32, HEX)}"`,
      `REFRESH_TOKEN = '${rnd(32)}'`,
      // A base64 key ending in one `=` is not the next `name=` of a list.
      `var clientSecret = "${rnd(40, B64)}a1Z=";`,
      // A subscript assignment and a name passed with its value.
      `os.environ["API_TOKEN"] = "${rnd(32)}"`,
      `setenv("API_TOKEN", "${rnd(32)}", 1);`,
      // Declared types between the name and `=` (TypeScript, Python, Rust, Go), Go's []byte("...").
      `const apiKey: string = '${rnd(30)}9q';`,
      `    api_key: str = "${rnd(30)}9q"`,
      `const API_TOKEN: &str = "${rnd(30)}9q";`,
      `var apiToken string = "${rnd(30)}9q"`,
      `jwtSecret := []byte("${rnd(30)}9q")`,
      // In a query string the next `&name=` parameter ends the value.
      `GET /v1/items?api_key=${rnd(30)}9q&format=json`,
      // A dotted token is not a member expression (a Discord bot token's shape).
      `BOT_TOKEN = '${rnd(24)}aZ9.${rnd(6)}.${rnd(38)}'`,
    ],
    negative: [
      'token_url = "https://auth.acme.io/oauth/token"',
      `secret = "${rnd(8)}"`,
      `api_key = "${rnd(8, HEX)}-${rnd(4, HEX)}-${rnd(4, HEX)}-${rnd(4, HEX)}-${rnd(12, HEX)}"`,
      'token = this.config.authToken',
      'api_key = "your-api-key-here"',
      'secret_key = "{{ vault_secret_key }}"',
      `"integrity": "sha512-${rnd(86, B64)}=="`,
      `commit_token = "${rnd(40, HEX).replace(/[a-f]/g, '')}"`,
      'api_key = "00000000000000000000ffffffffffff"',
      'secret_key_expires_at = "2026-11-30T14:00:00Z-utc-zone"',
      `csrf_token = "${rnd(40)}"`,
      'token = settings.providers.github.oauthToken',
      'FIELDS = ("api_token", "client_secret_value")',
      'CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@CLOUD_NAME',
      'const token: string = getToken(request);',
      'api_key: Optional[str] = None',
    ],
  },
  'generic-xml-secret': {
    positive: [
      `<server><id>central</id><password>${rnd(10)}7${rnd(9)}</password></server>`,
      `<ClientSecret>${rnd(32, `${B62}_-`)}</ClientSecret>`,
    ],
    negative: [
      '<password>${env.MAVEN_PASSWORD}</password>',
      '<password>changeme</password>',
      `<tokenUrl>https://auth.example.com/oauth/token</tokenUrl>`,
      `<secretName>prod-db-credentials</secretName>`,
    ],
  },
  'generic-key-value-secret': {
    positive: [`<add key="ApiKey" value="${rnd(32)}" />`, `<param name="db.password" value="${rnd(12)}#${rnd(4)}"/>`],
    negative: [
      '<add key="ApiKey" value="YOUR_API_KEY_HERE" />',
      `<add key="TokenEndpoint" value="https://login.example.com/oauth2/token" />`,
      `<add key="Theme" value="${rnd(32)}" />`,
      // Rails' per-session anti-forgery token, in every page it renders.
      `<input type="hidden" name="authenticity_token" value="${rnd(86, B64)}==" />`,
    ],
  },
  'dockerfile-env-secret': {
    positive: [`FROM node:20\nENV API_TOKEN ${rnd(40)}\n`, `ARG CLIENT_SECRET "${rnd(32)}"`],
    negative: ['ENV API_TOKEN ${API_TOKEN}', 'ENV TOKEN_URL https://auth.example.com/token', `ENV NODE_ENV production`],
  },
  'bearer-token': {
    positive: [
      `curl -H "Authorization: Bearer ${rnd(40)}" https://api.acme-corp.net/v1/me`,
      `{"name":"Authorization","value":"Bearer ${rnd(32, B64URL)}.${rnd(12)}"}`,
    ],
    negative: [
      'Authorization: Bearer <token>',
      'curl -H "Authorization: Bearer $API_TOKEN" https://api.acme-corp.net',
      'Authorization: Bearer ${{ secrets.TOKEN }}',
      'headers["Authorization"] = "Bearer " + accessToken',
      'the Bearer authentication_scheme_explained here',
      "authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.'",
    ],
  },
  'basic-auth-header': {
    positive: [
      `curl -H "Authorization: Basic ${Buffer.from(`deploy:${rnd(10)}${rnd(4, '0123456789')}`).toString('base64')}" https://ci.acme-corp.net`,
      `authorization: basic ${Buffer.from(`svc-backup:${rnd(10)}!${rnd(4)}`).toString('base64')}`,
    ],
    negative: [
      `Authorization: Basic ${Buffer.from('admin:password').toString('base64')}`,
      `Authorization: Basic ${Buffer.from('user:${PASS}').toString('base64')}`,
      `Authorization: Basic ${Buffer.from(rnd(24)).toString('base64')}`,
      'the Basic authentication scheme (RFC 7617)',
    ],
  },
  'mysql-cli-password': {
    positive: [
      `mysql -u root -p${rnd(10)}${rnd(4, '0123456789')} -h db.acme-corp.net app`,
      `mysqldump --single-transaction -u backup -p'${rnd(10)}#${rnd(4)}' shop > shop.sql`,
    ],
    negative: [
      'mysql -u root -p -h db.acme-corp.net',
      'mysql -u root -p"$MYSQL_PWD" app',
      'mysql -u root -P 3306 -h db',
      'mysql -u root -ppassword app',
      `npm run mysql -- -p ${rnd(14)}`,
    ],
  },
  'curl-basic-auth': {
    positive: [
      `curl -u admin:${rnd(16)} https://api.example.com/v1/users`,
      `curl --user "deploy:${rnd(12)}!${rnd(3)}" -X POST https://ci.example.com`,
    ],
    negative: [
      'curl -u "$USER:$PASS" https://api.example.com',
      'curl -u admin:password https://api.example.com',
      `docker run -u 1000:1000 node:20`,
      `git push -u origin main:${rnd(12)}`,
    ],
  },
};
