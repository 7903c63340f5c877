import type { Rng } from '../prng.js';

/** A person's browser and operating system; the version follows the vendor's release train. */
export interface BrowserProfile {
  browser: 'chrome' | 'firefox' | 'safari' | 'edge';
  os: 'windows' | 'macos' | 'linux';
  /** Days this person's browser lags behind a release before updating (auto-update habits). */
  updateLagDays: number;
}

/** A command-line or SDK client. */
export interface ToolProfile {
  tool: 'aws-cli' | 'boto3' | 'terraform' | 'sdk-java' | 'sdk-go' | 'curl' | 'python-requests' | 'go-http';
  os: 'macos' | 'linux' | 'windows';
}

/** Either a browser or a tool. */
export type ClientProfile = { type: 'browser'; browser: BrowserProfile } | { type: 'tool'; tool: ToolProfile };

const DAY = 86_400_000;
const CHROME_131 = Date.UTC(2024, 10, 12);
const FIREFOX_133 = Date.UTC(2024, 10, 26);

/** Chrome and Firefox ship a major version every four weeks; the major in use follows from the date. */
function trainMajor(base: number, baseDate: number, at: number): number {
  return base + Math.max(0, Math.floor((at - baseDate) / (28 * DAY)));
}

const OS_TOKEN: Record<BrowserProfile['os'], string> = {
  windows: 'Windows NT 10.0; Win64; x64',
  macos: 'Macintosh; Intel Mac OS X 10_15_7',
  linux: 'X11; Linux x86_64',
};

/**
 * The user-agent a browser sends at time `at`, taking the person's update lag into account, so
 * that browsers upgrade over a month of traffic the way real fleets do.
 *
 * @example
 * ```ts
 * browserUserAgent({ browser: 'chrome', os: 'windows', updateLagDays: 3 }, Date.UTC(2026, 10, 2));
 * ```
 */
export function browserUserAgent(p: BrowserProfile, at: number): string {
  const t = at - p.updateLagDays * DAY;
  switch (p.browser) {
    case 'chrome':
    case 'edge': {
      const v = trainMajor(131, CHROME_131, t);
      const base = `Mozilla/5.0 (${OS_TOKEN[p.os]}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`;
      return p.browser === 'edge' ? `${base} Edg/${v}.0.0.0` : base;
    }
    case 'firefox': {
      const v = trainMajor(133, FIREFOX_133, t);
      const os =
        p.os === 'macos' ? 'Macintosh; Intel Mac OS X 10.15' : p.os === 'linux' ? 'X11; Linux x86_64' : 'Windows NT 10.0; Win64; x64';
      return `Mozilla/5.0 (${os}; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`;
    }
    case 'safari': {
      // Safari majors follow macOS releases each September; minors every couple of months.
      const minor = Math.min(6, Math.floor((t - Date.UTC(2026, 8, 15)) / DAY / 60) + 1);
      const major = t >= Date.UTC(2026, 8, 15) ? 26 : 18;
      return `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${major}.${Math.max(0, minor)} Safari/605.1.15`;
    }
  }
}

const TOOL_OS: Record<ToolProfile['os'], string> = {
  macos: 'os/macos#24.1.0 md/arch#arm64',
  linux: 'os/linux#6.8.0-1019-aws md/arch#x86_64',
  windows: 'os/windows#10 md/arch#x86_64',
};

/**
 * The user-agent a command-line tool or SDK sends. `command` is the CLI sub-command (the AWS CLI
 * appends it), e.g. `s3.ls`.
 *
 * @example
 * ```ts
 * toolUserAgent({ tool: 'curl', os: 'linux' }); // 'curl/8.5.0'
 * ```
 */
export function toolUserAgent(p: ToolProfile, command = ''): string {
  switch (p.tool) {
    case 'aws-cli':
      return `aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 ${TOOL_OS[p.os]} lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off${command ? ` md/command#${command}` : ''}`;
    case 'boto3':
      return `Boto3/1.35.66 md/Botocore#1.35.66 ua/2.0 ${TOOL_OS[p.os]} lang/python#3.12.3 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.66`;
    case 'terraform':
      return 'APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.76.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.4 ua/2.1 os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64';
    case 'sdk-java':
      return 'aws-sdk-java/2.29.15 Linux/5.10.227-219.884.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/21.0.5+11-LTS Java/21.0.5 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy';
    case 'sdk-go':
      return 'aws-sdk-go/1.55.5 (go1.22.7; linux; amd64)';
    case 'curl':
      return 'curl/8.5.0';
    case 'python-requests':
      return 'python-requests/2.32.3';
    case 'go-http':
      return 'Go-http-client/1.1';
  }
}

/**
 * The user-agent of any client profile at time `at`.
 *
 * @example
 * ```ts
 * userAgentOf({ type: 'tool', tool: { tool: 'boto3', os: 'linux' } }, Date.now());
 * ```
 */
export function userAgentOf(c: ClientProfile, at: number, command = ''): string {
  return c.type === 'browser' ? browserUserAgent(c.browser, at) : toolUserAgent(c.tool, command);
}

/**
 * A plausible browser for a new person: mostly Chrome, then Edge, Safari on Macs, Firefox.
 *
 * @example
 * ```ts
 * randomBrowser(rng); // { browser: 'chrome', os: 'macos', updateLagDays: 4 }
 * ```
 */
export function randomBrowser(rng: Rng): BrowserProfile {
  const os = rng.weighted<BrowserProfile['os']>([
    ['windows', 5],
    ['macos', 4],
    ['linux', 1],
  ]);
  const browser =
    os === 'macos'
      ? rng.weighted<BrowserProfile['browser']>([
          ['chrome', 6],
          ['safari', 3],
          ['firefox', 1],
        ])
      : os === 'windows'
        ? rng.weighted<BrowserProfile['browser']>([
            ['chrome', 6],
            ['edge', 3],
            ['firefox', 1],
          ])
        : rng.weighted<BrowserProfile['browser']>([
            ['chrome', 1],
            ['firefox', 1],
          ]);
  return { browser, os, updateLagDays: rng.int(0, 12) };
}
