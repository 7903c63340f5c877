import { createRequire } from 'node:module';
import { isbot } from 'isbot';
import type { ClientInfo } from '../enriched-event.js';

interface UaResult {
  browser: { name?: string; major?: string };
  os: { name?: string };
  device: { type?: string; vendor?: string; model?: string };
}
type UaParserCtor = new (ua: string) => { getResult(): UaResult };

// ua-parser-js 1.x is CommonJS without bundled types; 2.x is AGPL and must not be used.
const UAParser = createRequire(import.meta.url)('ua-parser-js') as UaParserCtor;

/**
 * Scripted clients, most specific first. `family` is what detectors compare, so SDKs of one
 * vendor map to one family per language (a switch from boto3 to curl is a change of tool).
 */
const SCRIPTED: ReadonlyArray<{ re: RegExp; family: string }> = [
  { re: /^aws-cli\//i, family: 'aws-cli' },
  // Infrastructure-as-code tools name the SDK they embed too (`terraform-provider-aws/5.31.0 ... aws-sdk-go-v2/1.24.0`).
  { re: /\bTerraform\/|terraform-provider/i, family: 'terraform' },
  { re: /\bPulumi\b|\bpulumi-aws\//i, family: 'pulumi' },
  // Image builds launch, configure and terminate instances (`APN/1.0 HashiCorp/1.0 Packer/1.10.0 ... aws-sdk-go/1.50`).
  { re: /\bPacker\/|packer-plugin-amazon/i, family: 'packer' },
  { re: /\bBoto3\//i, family: 'boto3' },
  { re: /\bBotocore\//i, family: 'botocore' },
  { re: /\baws-sdk-go(-v2)?\//i, family: 'aws-sdk-go' },
  { re: /\baws-sdk-java\//i, family: 'aws-sdk-java' },
  { re: /\baws-sdk-js\/|aws-sdk-nodejs|\bmd\/nodejs/i, family: 'aws-sdk-js' },
  { re: /\baws-sdk-(dotnet|net)/i, family: 'aws-sdk-dotnet' },
  { re: /\baws-sdk-(ruby|php|rust|cpp)/i, family: 'aws-sdk' },
  { re: /\bkubectl\//i, family: 'kubectl' },
  { re: /\bhelm\//i, family: 'helm' },
  { re: /\bgcloud\b|google-cloud-sdk/i, family: 'gcloud' },
  { re: /\bazure-cli\b|AZURECLI/i, family: 'azure-cli' },
  { re: /^curl\//i, family: 'curl' },
  { re: /^Wget\//i, family: 'wget' },
  { re: /python-requests\//i, family: 'python-requests' },
  { re: /python-urllib|Python-urllib/i, family: 'python-urllib' },
  { re: /\baiohttp\//i, family: 'python-aiohttp' },
  { re: /\bpython-httpx\//i, family: 'python-httpx' },
  { re: /okta-sdk-python|okta-cli|okta-sdk-/i, family: 'okta-sdk' },
  { re: /^Go-http-client\//i, family: 'go-http-client' },
  { re: /^okhttp\//i, family: 'okhttp' },
  { re: /^PostmanRuntime\//i, family: 'postman' },
  { re: /^insomnia\//i, family: 'insomnia' },
  { re: /^HTTPie\//i, family: 'httpie' },
  { re: /WindowsPowerShell|PowerShell\//i, family: 'powershell' },
  { re: /^axios\//i, family: 'axios' },
  { re: /^node-fetch|^undici|^node$/i, family: 'node-http' },
  { re: /^Java\/|Apache-HttpClient\//i, family: 'java-http' },
  { re: /^libwww-perl|^lwp-/i, family: 'perl-lwp' },
  { re: /^Ruby|Faraday v/i, family: 'ruby-http' },
  { re: /^GuzzleHttp\//i, family: 'php-guzzle' },
  { re: /^Dalvik\//i, family: 'android-dalvik' },
  { re: /^(masscan|zgrab|nuclei|sqlmap|nikto|gobuster|ffuf|feroxbuster|dirbuster|wfuzz|hydra)/i, family: 'attack-tool' },
  { re: /\b(nmap|Nmap Scripting Engine|Burp|OWASP ZAP)\b/i, family: 'attack-tool' },
  { re: /^github-actions|^GitHub-Hookshot|gitlab-runner/i, family: 'ci-runner' },
];

const CONSOLE = /^(console|signin)\.amazonaws\.com$|^AWS Internal$|^Coral\/|^AWS Console/i;

// Penetration-testing distributions, as SDKs and CLIs print the kernel release (`Linux/6.5.0-kali3-amd64`):
// GuardDuty's PenTest findings. The OS becomes this name (a tool joins the family), so the client is a new one
// for the credential.
const OFFENSIVE_OS: ReadonlyArray<{ re: RegExp; name: string }> = [
  { re: /(?:^|[^a-z])kali(?:[^a-z]|$)/i, name: 'Kali Linux' },
  { re: /(?:^|[^a-z])parrot(?:[^a-z]|$)/i, name: 'Parrot OS' },
  { re: /(?:^|[^a-z])pentoo(?:[^a-z]|$)/i, name: 'Pentoo' },
  { re: /(?:^|[^a-z])blackarch(?:[^a-z]|$)/i, name: 'BlackArch' },
];
// Tools for exploiting or validating stolen cloud credentials, by the names they put in their user agents.
// Audit tools a security team runs (Prowler, ScoutSuite) are not here: a first run of one is not an attack.
const OFFENSIVE_TOOLS: ReadonlyArray<{ re: RegExp; name: string }> = [
  { re: /stratus-red-team/i, name: 'Stratus Red Team' },
  { re: /(?:^|[^a-z])pacu(?:[^a-z]|$)/i, name: 'Pacu' },
  { re: /trufflehog/i, name: 'TruffleHog' },
  { re: /cloudfox/i, name: 'CloudFox' },
  { re: /enumerate-iam/i, name: 'enumerate-iam' },
  { re: /weirdaal/i, name: 'WeirdAAL' },
];

/** The offensive distribution or tool a user agent names, if any. */
function offensiveOf(text: string, family: string): { os?: string; name: string } | undefined {
  for (const o of OFFENSIVE_OS) if (o.re.test(text)) return { os: o.name, name: o.name };
  for (const t of OFFENSIVE_TOOLS) if (t.re.test(text)) return { name: t.name };
  return family === 'attack-tool' ? { name: text.split(/[/\s;(]/, 1)[0] || 'attack tool' } : undefined;
}

function markOffensive(info: ClientInfo, text: string): ClientInfo {
  const offensive = offensiveOf(text, info.family);
  if (offensive === undefined) return info;
  if (offensive.os !== undefined) return { ...info, os: offensive.os, offensive: offensive.name };
  // The tool joins the family, so a victim's own SDK is not the same client as the tool driving it.
  const family = info.family === 'attack-tool' ? info.family : `${info.family} (${offensive.name})`;
  // A web scanner is an attack tool too, but not one made for stolen cloud keys.
  if (info.family === 'attack-tool' && !OFFENSIVE_TOOLS.some((t) => t.name === offensive.name))
    return { ...info, family, offensive: offensive.name };
  return { ...info, family, offensive: offensive.name, cloudKeyTool: true };
}
const AWS_SERVICE = /^[a-z0-9-]+\.amazonaws\.com$/i;
/** Authenticator apps as their own requests name them (iOS apps URL-encode the space: `Okta%20Verify/9.27 CFNetwork/...`). */
const AUTHENTICATOR: ReadonlyArray<{ re: RegExp; family: string }> = [
  { re: /^okta(?:\s|%20)?verify\b/i, family: 'Okta Verify' },
  { re: /^duo(?:\s|%20)?mobile\b/i, family: 'Duo Mobile' },
  { re: /^(?:microsoft(?:\s|%20)?)?authenticator\b/i, family: 'Microsoft Authenticator' },
];

function mobileOs(ua: string): string | undefined {
  if (/iphone|ipad|ios\b|cfnetwork|darwin/i.test(ua)) return 'iOS';
  if (/android|okhttp|dalvik/i.test(ua)) return 'Android';
  return undefined;
}

function osFromText(ua: string): string | undefined {
  if (/linux/i.test(ua)) return 'Linux';
  if (/darwin|mac ?os/i.test(ua)) return 'macOS';
  if (/windows|win32|win64/i.test(ua)) return 'Windows';
  return undefined;
}

/** Slots of the direct-mapped cache in front of the user-agent map (a power of two). */
const RECENT_SLOTS = 256;

/** Parses user agents into {@link ClientInfo}, with a cache. */
export interface UserAgentParser {
  parse(userAgent: string | undefined): ClientInfo | undefined;
}

/**
 * Parses a user agent: authenticator apps (Okta Verify, Duo Mobile), then scripted clients (aws-cli, boto3, curl,
 * python-requests, Terraform, kubectl, PowerShell, ...), then AWS console and service callers, then ua-parser-js for
 * browsers and apps, with isbot for crawlers. A penetration-testing distribution in the OS
 * (Kali, Parrot) or an offensive tool's name (Pacu, Stratus Red Team, TruffleHog, scanners) is
 * kept in `offensive`. Results are cached per string.
 *
 * @example
 * ```ts
 * const ua = createUserAgentParser();
 * ua.parse('curl/8.5.0'); // { family: 'curl', scripted: true }
 * ua.parse('Mozilla/5.0 (Windows NT 10.0; Win64; x64) ... Chrome/126.0 Safari/537.36'); // { family: 'Chrome', os: 'Windows', device: 'desktop', scripted: false, major: 126 }
 * ```
 */
export function createUserAgentParser(cacheSize = 16_384): UserAgentParser {
  const cache = new Map<string, ClientInfo>();
  const parseClient = (text: string): ClientInfo => {
    if (text === '' || text === '-') return { family: 'unknown', scripted: false };
    for (const a of AUTHENTICATOR) {
      if (a.re.test(text)) {
        const os = mobileOs(text);
        return { family: a.family, ...(os ? { os } : {}), device: 'mobile', scripted: false, authenticator: true };
      }
    }
    for (const s of SCRIPTED) {
      if (s.re.test(text)) {
        const os = osFromText(text);
        return os ? { family: s.family, os, scripted: true } : { family: s.family, scripted: true };
      }
    }
    if (CONSOLE.test(text)) return { family: 'aws-console', scripted: false };
    if (AWS_SERVICE.test(text)) return { family: text.toLowerCase(), device: 'service', scripted: true };
    const r = new UAParser(text).getResult();
    const bot = isbot(text);
    const family = r.browser.name ?? (bot ? 'bot' : (text.split(/[/\s;(]/, 1)[0] ?? 'unknown').slice(0, 64) || 'unknown');
    const info: ClientInfo = { family, scripted: bot || r.browser.name === undefined };
    const os = r.os.name ?? osFromText(text);
    if (os) info.os = os;
    info.device = r.device.type ?? (r.browser.name ? 'desktop' : undefined);
    if (info.device === undefined) delete info.device;
    const major = r.browser.name === undefined ? Number.NaN : Number(r.browser.major);
    if (Number.isInteger(major) && major > 0) info.major = major;
    return info;
  };
  const parse = (ua: string): ClientInfo => markOffensive(parseClient(ua.trim()), ua);
  // In front of the map, a small direct-mapped cache picked by the length and a few characters: a user agent is
  // ~100 characters, and a Map lookup hashes all of them for every event (each event's string is a new one);
  // comparing with the one candidate is a plain memory compare.
  const recentText: Array<string | undefined> = new Array<string | undefined>(RECENT_SLOTS).fill(undefined);
  const recentInfo: Array<ClientInfo | undefined> = new Array<ClientInfo | undefined>(RECENT_SLOTS).fill(undefined);
  return {
    parse(userAgent) {
      if (userAgent === undefined) return undefined;
      const n = userAgent.length;
      const slot = n === 0 ? 0 : (n * 31 + userAgent.charCodeAt(n >> 1) * 7 + userAgent.charCodeAt(n - 1)) & (RECENT_SLOTS - 1);
      if (recentText[slot] === userAgent) return recentInfo[slot];
      let hit = cache.get(userAgent);
      if (!hit) {
        hit = parse(userAgent);
        if (cache.size >= cacheSize) cache.clear();
        cache.set(userAgent, hit);
      }
      recentText[slot] = userAgent;
      recentInfo[slot] = hit;
      return hit;
    },
  };
}
