// Generates a source-like tree for the scan benchmark: TypeScript, Python, JSON, YAML, Markdown
// and lockfile-ish text with realistic keyword density (token, secret, password, https://,
// base64 blobs, hashes) and a handful of planted secrets whose positions are returned.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, encodeBase62, twChecksum } from '@tokenwarden/core';

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
let seed = 0x9e3779b9;
function rand(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const rnd = (n: number, cs = B62) => Array.from({ length: n }, () => cs[Math.floor(rand() * cs.length)]).join('');

const WORDS = [
  'user',
  'account',
  'session',
  'request',
  'response',
  'config',
  'handler',
  'service',
  'client',
  'token',
  'cache',
  'value',
  'result',
  'error',
  'retry',
  'buffer',
  'stream',
  'event',
  'name',
  'key',
  'path',
  'auth',
  'data',
  'items',
  'index',
  'count',
  'options',
  'payload',
  'header',
  'route',
];
const ident = () => `${pick(WORDS)}${pick(WORDS).replace(/^./, (c) => c.toUpperCase())}`;

const TS_LINES = [
  () => `  const ${ident()} = await this.${ident()}.get(${JSON.stringify(pick(WORDS))});`,
  () => `  if (!${ident()}) throw new Error('missing ${pick(WORDS)} for ${pick(WORDS)}');`,
  () => `export function ${ident()}(${ident()}: string, ${ident()}: number): Promise<void> {`,
  () => `  // ${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)}: see https://docs.example.org/${pick(WORDS)}/${pick(WORDS)}`,
  () => `  return { ${ident()}: ${Math.floor(rand() * 1e6)}, ${ident()}: '${pick(WORDS)}-${pick(WORDS)}' };`,
  () => `  const tokenUrl = \`\${baseUrl}/oauth/token?client_id=\${clientId}\`;`,
  () => `  headers.authorization = \`Bearer \${await getToken()}\`;`,
  () => `  logger.info({ ${ident()}, ${ident()} }, '${pick(WORDS)} ${pick(WORDS)} done');`,
  () => '}',
  () => '',
];
const PY_LINES = [
  () => `def ${pick(WORDS)}_${pick(WORDS)}(self, ${pick(WORDS)}, ${pick(WORDS)}=None):`,
  () => `    ${pick(WORDS)} = os.environ.get("${pick(WORDS).toUpperCase()}_${pick(WORDS).toUpperCase()}")`,
  () => `    password = getpass.getpass(prompt="${pick(WORDS)}: ")`,
  () => `    return self.${pick(WORDS)}[${Math.floor(rand() * 100)}]`,
  () => `    # ${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)}`,
];
const JSON_LINES = [
  () =>
    `    "node_modules/${pick(WORDS)}-${pick(WORDS)}": { "version": "${Math.floor(rand() * 9)}.${Math.floor(rand() * 20)}.${Math.floor(rand() * 20)}", "resolved": "https://registry.npmjs.org/${pick(WORDS)}/-/${pick(WORDS)}-1.0.0.tgz", "integrity": "sha512-${rnd(86, `${B62}+/`)}==" },`,
  () => `    "${ident()}": "${rnd(40, '0123456789abcdef')}",`,
  () => `    "${ident()}": ${Math.floor(rand() * 1e9)},`,
];
const YAML_LINES = [
  () => `  ${pick(WORDS)}_${pick(WORDS)}: \${{ secrets.${pick(WORDS).toUpperCase()}_TOKEN }}`,
  () => `  ${pick(WORDS)}: ${pick(WORDS)}-${Math.floor(rand() * 1000)}`,
  () => `  image: ghcr.io/acme/${pick(WORDS)}:${rnd(12, '0123456789abcdef')}`,
];
const MD_LINES = [
  () => `The ${pick(WORDS)} ${pick(WORDS)} is passed to the ${pick(WORDS)} before the ${pick(WORDS)} expires; set API_KEY=<your key>.`,
  () => `- [${pick(WORDS)}](https://github.com/acme/${pick(WORDS)}/blob/main/${pick(WORDS)}.md)`,
];
const KINDS = [
  { ext: 'ts', lines: TS_LINES, weight: 5 },
  { ext: 'py', lines: PY_LINES, weight: 2 },
  { ext: 'json', lines: JSON_LINES, weight: 1 },
  { ext: 'yaml', lines: YAML_LINES, weight: 1 },
  { ext: 'md', lines: MD_LINES, weight: 1 },
];

function pickWeighted(at: number): (typeof KINDS)[number] {
  let rest = at;
  for (const k of KINDS) {
    rest -= k.weight;
    if (rest < 0) return k;
  }
  return KINDS[0] as (typeof KINDS)[number];
}

/** A secret planted in the generated tree. */
export interface Planted {
  file: string;
  line: number;
  secret: string;
}

function plantedSecret(i: number): string {
  if (i % 2 === 0) {
    const random = rnd(32);
    return `tw_k_${random}${twChecksum(random)}`;
  }
  const body = rnd(30);
  return `ghp_${body}${encodeBase62(crc32(body), 6)}`;
}

/**
 * Writes about `targetBytes` of source-like files under `dir` (files of 8-256 KB in nested
 * folders) and plants `secrets` secrets at known places.
 *
 * @example
 * ```ts
 * const planted = generateTree('/tmp/tree', 300 << 20, 8);
 * ```
 */
export function generateTree(dir: string, targetBytes: number, secrets: number): Planted[] {
  const totalWeight = KINDS.reduce((n, k) => n + k.weight, 0);
  const planted: Planted[] = [];
  let written = 0;
  let fileNo = 0;
  const plantEvery = Math.max(1, Math.floor(targetBytes / (secrets + 1)));
  let nextPlant = plantEvery;
  while (written < targetBytes) {
    const kind = pickWeighted(rand() * totalWeight);
    const sub = join(dir, `pkg${fileNo % 40}`, `mod${fileNo % 7}`);
    mkdirSync(sub, { recursive: true });
    const file = join(sub, `file${fileNo}.${kind.ext}`);
    const size = 8192 + Math.floor(rand() * 256 * 1024);
    const lines: string[] = [];
    let bytes = 0;
    while (bytes < size) {
      const line = pick(kind.lines)();
      lines.push(line);
      bytes += line.length + 1;
    }
    if (written + bytes >= nextPlant && planted.length < secrets) {
      const secret = plantedSecret(planted.length);
      const at = Math.floor(lines.length / 2);
      lines.splice(at, 0, `  const apiToken = "${secret}";`);
      planted.push({ file, line: at + 1, secret });
      nextPlant += plantEvery;
    }
    const text = `${lines.join('\n')}\n`;
    writeFileSync(file, text);
    written += Buffer.byteLength(text);
    fileNo++;
  }
  return planted;
}
