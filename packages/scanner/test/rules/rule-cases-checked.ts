// biome-ignore-all lint/suspicious/noTemplateCurlyInString: literal ${VAR} shell expansions are the point of these fixtures
// Positive and negative cases for the rules whose formats carry a check of their own (a
// checksum, a JSON body) and for the shell forms of assignment (see rule-cases.ts for the shape).
import { crc32 } from '@tokenwarden/core/formats';
import { B62, B64, HEX, rnd } from '../fixtures.js';
import type { RuleCases } from './rule-cases.js';

// A Grafana service account token as Grafana mints it: the CRC32 of `glsa_<random>`, its bytes
// least significant first, in hex.
const glsa = (random = rnd(32)): string => {
  const head = `glsa_${random}`;
  const sum = crc32(head);
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(sum >>> 0);
  return `${head}_${bytes.toString('hex')}`;
};
const breakHex = (t: string): string => `${t.slice(0, -1)}${t.endsWith('0') ? '1' : '0'}`;
const b64json = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64');
const glc = (key = rnd(40)): string =>
  `glc_${b64json({ o: rnd(6, '0123456789'), n: `stack-${rnd(6, '0123456789')}-alloy-write`, k: key, m: { r: 'prod-eu-west-2' } })}`;
const secret = rnd(32);

export const CHECKED_FORMAT_RULE_CASES: Record<string, RuleCases> = {
  'grafana-service-account-token': {
    // Grafana's own test vector (pkg/components/satokengen) is checksum-valid, as the minted ones.
    positive: [`GRAFANA_TOKEN=${glsa()}`, `auth: "Bearer ${glsa()}"`, 'glsa_iNValIdinValiDinvalidinvalidinva_5b582697'],
    negative: [
      `GRAFANA_TOKEN=${breakHex(glsa())}`,
      `GRAFANA_TOKEN=glsa_${rnd(32)}_${rnd(8, HEX)}`,
      `glsa_${'x'.repeat(32)}_${rnd(8, HEX)}`,
      `glsa_${rnd(20)}_${rnd(8, HEX)}`,
    ],
  },
  'grafana-cloud-token': {
    positive: [`GRAFANA_CLOUD_TOKEN=${glc()}`, `password: "${glc()}"`],
    negative: [
      // Random base64 is not the JSON every such token holds.
      `GRAFANA_CLOUD_TOKEN=glc_${rnd(120, B64)}`,
      `GRAFANA_CLOUD_TOKEN=glc_eyJ${rnd(120, B64)}`,
      `token: ${glc('your-access-policy-token-here')}`,
      `token: ${glc('short')}`,
      'token: glc_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    ],
  },
  'grafana-api-key': {
    positive: [`GF_API_KEY=${b64json({ k: rnd(32), n: 'deploy', id: 1 })}`, `"apiKey": "${b64json({ k: rnd(32), n: 'ci-bot', id: 12 })}"`],
    negative: [
      // A Power BI report link's `r=` parameter starts the same and holds another object.
      `https://app.powerbi.com/view?r=${b64json({ k: `${rnd(8, HEX)}-${rnd(4, HEX)}-${rnd(4, HEX)}-${rnd(4, HEX)}-${rnd(12, HEX)}`, t: rnd(36), c: 8 })}`,
      `GF_API_KEY=${b64json({ k: 'your-grafana-api-key-value', n: 'x', id: 1 })}`,
      `GF_API_KEY=eyJrIjoi${rnd(60)}`,
    ],
  },
  'fish-set-secret': {
    positive: [
      `set -x API_TOKEN ${secret}`,
      `set -gx GITHUB_SECRET "${rnd(36)}"`,
      `if status is-login\n    set -Ux DB_PASSWORD '${rnd(12)}!${rnd(6)}'\nend`,
      `set --export --global STRIPE_API_KEY ${rnd(40)}`,
      `test -n "$CI"; and set -l deploy_token ${rnd(40)} # from vault`,
    ],
    negative: [
      'set -x API_TOKEN $VAULT_TOKEN',
      'set -gx API_TOKEN (cat ~/.config/token)',
      'set -gx PATH /usr/local/bin $PATH',
      `set -q API_TOKEN; or set -gx API_TOKEN changeme`,
      `set -e API_TOKEN ${rnd(40)}`,
      `# we set api_token ${rnd(40)} below`,
      `set -x API_TOKEN your-api-token-goes-here`,
      `set -x TOKEN_URL https://auth.acme-corp.net/oauth/token`,
    ],
  },
  'fish-universal-variable-secret': {
    positive: [
      `# This file contains fish universal variable definitions.\n# VERSION: 3.0\nSETUVAR --export GITHUB_API_TOKEN:${rnd(40)}\nSETUVAR fish_greeting:`,
      `SETUVAR DB_PASSWORD:${rnd(10)}${rnd(4, '0123456789')}`,
    ],
    negative: [
      'SETUVAR --export EDITOR:vim',
      'SETUVAR __fish_initialized:3400',
      'SETUVAR --export API_TOKEN:changeme',
      `SETUVAR fish_color_normal:normal`,
    ],
  },
  'shell-default-secret': {
    positive: [
      `export API_TOKEN="\${API_TOKEN:-${secret}}"`,
      `: "\${DB_PASSWORD:=${rnd(10)}#${rnd(6)}}"`,
      // A password is judged as one (a lower entropy bar than a key's): the name is read.
      'PGPASSWORD="${PGPASSWORD:-Tq8!zW3#kP}"',
      `docker run -e SECRET_KEY=\${SECRET_KEY:-${rnd(40, B62)}} app`,
      `environment:\n  - SLACK_TOKEN=\${SLACK_TOKEN:-${rnd(48)}}`,
    ],
    negative: [
      'export API_TOKEN="${API_TOKEN:-changeme}"',
      'TOKEN=${TOKEN:-your-token-here}',
      'SECRET_KEY=${SECRET_KEY:-<your-secret-key>}',
      // Not inside `${...}`: no expansion.
      `echo "api_token:-${rnd(40)}"`,
      'API_KEY=${API_KEY:-}',
      'API_KEY=${API_KEY:-$DEFAULT_API_KEY}',
      `API_KEY=\${API_KEY:?set API_KEY to ${rnd(40)} or similar}`,
      'DB_PASSWORD=${DB_PASSWORD:-postgres}',
      'TOKEN_FILE=${TOKEN_FILE:-/run/secrets/api_token}',
    ],
  },
};
