import type { Rule } from '../types.js';
import { DASHED_RIGHT, LEFT, prefixedToken, RIGHT } from './define.js';

/**
 * Cloud and hosting platforms: DigitalOcean, Azure, Alibaba, Cloudflare, Heroku, Netlify,
 * Vercel, Supabase, Databricks, Fly.io.
 *
 * @example
 * ```ts
 * cloudRules.map((r) => r.id);
 * ```
 */
export const cloudRules: Rule[] = [
  prefixedToken({
    id: 'digitalocean-pat',
    description: 'DigitalOcean personal access token',
    provider: 'digitalocean',
    prefix: 'dop_v1_',
    body: '[a-f0-9]{64}',
    severity: 'critical',
    minEntropy: 3.2,
  }),
  prefixedToken({
    id: 'digitalocean-oauth-token',
    description: 'DigitalOcean OAuth access token',
    provider: 'digitalocean',
    prefix: 'doo_v1_',
    body: '[a-f0-9]{64}',
    severity: 'high',
    minEntropy: 3.2,
  }),
  prefixedToken({
    id: 'digitalocean-refresh-token',
    description: 'DigitalOcean OAuth refresh token',
    provider: 'digitalocean',
    prefix: 'dor_v1_',
    body: '[a-f0-9]{64}',
    severity: 'high',
    minEntropy: 3.2,
  }),
  {
    id: 'azure-storage-connection-string',
    anchor: 'keyword',
    description: 'Azure storage account key in a connection string',
    provider: 'azure',
    keywords: ['accountkey='],
    pattern: /AccountKey=([A-Za-z0-9+/]{86}==)/gi,
    severity: 'critical',
    confidence: 'high',
    validate: (_s, ctx) => {
      const name = /AccountName=([a-z0-9]{3,24})/i.exec(ctx.text.slice(Math.max(0, ctx.index - 300), ctx.index));
      return { valid: true, ...(name?.[1] ? { details: { account: name[1] } } : {}) };
    },
  },
  {
    id: 'azure-sas-token',
    description: 'Azure shared access signature (sig=) in a URL or connection string',
    provider: 'azure',
    keywords: ['sig='],
    pattern: /[?&;]sig=([A-Za-z0-9%+/]{43,60}(?:%3D|=)?)/gi,
    severity: 'high',
    minEntropy: 4,
    validate: (_s, ctx) => {
      // Only an Azure SAS carries a signed version (sv=) and permissions (sp=) next to sig=.
      const around = ctx.text.slice(Math.max(0, ctx.index - 400), ctx.index + 400);
      return /[?&;]sv=\d{4}-\d{2}-\d{2}/.test(around) && /[?&;](?:sp|srt|ss)=/.test(around);
    },
  },
  {
    id: 'azure-service-bus-connection-string',
    anchor: 'keyword',
    description: 'Azure Service Bus / Event Hubs / IoT Hub shared access key in a connection string',
    provider: 'azure',
    keywords: ['sharedaccesskey='],
    // A SAS policy key is 32 random bytes: 44 base64 characters ending in one `=`.
    pattern: /SharedAccessKey=([A-Za-z0-9+/]{43}=)(?![A-Za-z0-9+/=])/gi,
    severity: 'critical',
    confidence: 'high',
    minEntropy: 4,
    validate: (_s, ctx) => {
      const around = ctx.text.slice(Math.max(0, ctx.index - 400), ctx.index);
      const host = /(?:Endpoint=sb:\/\/|HostName=)([a-z0-9.-]+)/i.exec(around);
      return { valid: true, ...(host?.[1] ? { details: { host: host[1] } } : {}) };
    },
  },
  {
    // Azure DevOps PATs since 2024: 84 characters with the `AZDO` signature at 76-79.
    id: 'azure-devops-pat',
    anchor: { back: '[A-Za-z0-9]', max: 80 },
    description: 'Azure DevOps personal access token',
    provider: 'azure',
    keywords: ['AZDO'],
    keywordsCaseSensitive: true,
    pattern: /(?<![A-Za-z0-9])([A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4})(?![A-Za-z0-9])/g,
    severity: 'critical',
    confidence: 'high',
    minEntropy: 4,
  },
  {
    // The older format, 52 lower-case base32 characters, says nothing by itself: only next to an
    // Azure DevOps name (AZURE_DEVOPS_PAT, AZDO_TOKEN, a dev.azure.com URL).
    id: 'azure-devops-pat-legacy',
    description: 'Azure DevOps personal access token (52-character format) next to an Azure DevOps name',
    provider: 'azure',
    keywords: ['devops', 'azdo', 'vsts', 'visualstudio.com'],
    pattern: /(?<![A-Za-z0-9])([a-z2-7]{52})(?![A-Za-z0-9])/g,
    severity: 'high',
    window: { before: 16, after: 80 },
    validate: (secret) => ({ valid: /[2-7]/.test(secret) && /[a-z]{2}/.test(secret) && new Set(secret).size >= 20 }),
  },
  {
    id: 'azure-ad-client-secret',
    description: 'Microsoft Entra ID (Azure AD) client secret',
    provider: 'azure',
    keywords: ['8q~', '7q~'],
    pattern: new RegExp(`${LEFT}([A-Za-z0-9_~.-]{3}[78]Q~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])`, 'g'),
    severity: 'high',
    minEntropy: 3.5,
  },
  {
    id: 'alibaba-access-key-id',
    description: 'Alibaba Cloud AccessKey id',
    provider: 'alibaba',
    keywords: ['ltai'],
    pattern: new RegExp(`${LEFT}(LTAI[A-Za-z0-9]{12,20})${RIGHT}`, 'g'),
    severity: 'high',
    minEntropy: 3.5,
  },
  {
    id: 'cloudflare-api-token',
    description: 'Cloudflare API token or global API key assigned to a Cloudflare variable',
    provider: 'cloudflare',
    keywords: ['cloudflare', 'cf_api', 'cf-api'],
    pattern: /(?:cloudflare|cf)[\w.-]{0,20}?(?:token|key)["']?\s*(?::|=>|=)\s*["']?([A-Za-z0-9_-]{40}|[0-9a-f]{37})(?![A-Za-z0-9_-])/gi,
    severity: 'high',
    minEntropy: 3.5,
  },
  prefixedToken({
    id: 'heroku-api-key',
    description: 'Heroku API key (HRKU- format)',
    provider: 'heroku',
    prefix: 'HRKU-',
    body: '[A-Za-z0-9_-]{60}',
    severity: 'high',
    right: DASHED_RIGHT,
  }),
  {
    id: 'heroku-api-key-legacy',
    description: 'Heroku API key (UUID assigned to a Heroku variable)',
    provider: 'heroku',
    keywords: ['heroku'],
    pattern:
      /heroku[\w.-]{0,20}?(?:key|token|secret)["']?\s*(?::|=>|=)\s*["']?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![0-9a-f])/gi,
    severity: 'high',
  },
  prefixedToken({
    id: 'netlify-token',
    description: 'Netlify personal access token',
    provider: 'netlify',
    prefix: 'nfp_',
    body: '[A-Za-z0-9]{36}',
    severity: 'high',
    minEntropy: 4,
  }),
  prefixedToken({
    id: 'vercel-token',
    description: 'Vercel access token',
    provider: 'vercel',
    prefix: 'vcp_',
    body: '[A-Za-z0-9]{24,}',
    severity: 'high',
    minEntropy: 4,
  }),
  {
    id: 'vercel-token-legacy',
    description: 'Vercel token assigned to a Vercel variable',
    provider: 'vercel',
    keywords: ['vercel'],
    pattern: /vercel[\w.-]{0,20}?token["']?\s*(?::|=>|=)\s*["']?([A-Za-z0-9]{24})(?![A-Za-z0-9])/gi,
    severity: 'high',
    minEntropy: 4,
  },
  prefixedToken({
    id: 'supabase-access-token',
    description: 'Supabase personal access token',
    provider: 'supabase',
    prefix: 'sbp_',
    body: '[a-f0-9]{40}',
    severity: 'high',
    minEntropy: 3.2,
  }),
  prefixedToken({
    id: 'supabase-secret-key',
    description: 'Supabase secret API key',
    provider: 'supabase',
    prefix: 'sb_secret_',
    body: '[A-Za-z0-9_-]{31,}',
    severity: 'critical',
    minEntropy: 3.8,
    right: DASHED_RIGHT,
  }),
  prefixedToken({
    id: 'databricks-token',
    description: 'Databricks personal access token',
    provider: 'databricks',
    prefix: 'dapi',
    body: '[a-f0-9]{32}(?:-\\d)?',
    severity: 'high',
    minEntropy: 3.2,
  }),
  prefixedToken({
    id: 'flyio-token',
    description: 'Fly.io access token',
    provider: 'flyio',
    prefix: 'fo1_',
    body: '[A-Za-z0-9_-]{43}',
    severity: 'high',
    minEntropy: 4,
    right: DASHED_RIGHT,
  }),
  {
    // `fly tokens create` prints macaroon tokens: `FlyV1 fm2_<base64>` (fm1a_/fm1r_ before), often
    // several joined by commas; each part is reported.
    id: 'flyio-macaroon-token',
    anchor: 'keyword',
    description: 'Fly.io macaroon token (deploy, org or machine token)',
    provider: 'flyio',
    keywords: ['fm2_', 'fm1a_', 'fm1r_'],
    pattern: /(?<![A-Za-z0-9_])((?:fm2|fm1[ar])_[A-Za-z0-9+/]{100,}={0,3})(?![A-Za-z0-9+/=_])/g,
    severity: 'high',
    confidence: 'high',
    minEntropy: 4.5,
  },
];
