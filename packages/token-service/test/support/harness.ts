import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LifecycleEvent } from '@tokenwarden/core';
import { freeLocalPort } from '@tokenwarden/core/testing';
import * as oauth from 'oauth4webapi';
import { openTokenService, type TokenService, type TokenServiceOptions } from '../../src/index.js';

/** A running token service on a free local port, with captured events. */
export interface Harness {
  service: TokenService;
  issuer: string;
  dataDir: string;
  events: LifecycleEvent[];
  as: oauth.AuthorizationServer;
  close(): Promise<void>;
}

/** oauth4webapi refuses http:// unless told; every test request passes these options. */
export const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** Starts a service in a fresh data directory and runs discovery against it. */
export async function startHarness(extra: Partial<TokenServiceOptions> = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-token-'));
  const port = await freeLocalPort();
  const issuer = `http://127.0.0.1:${port}`;
  const events: LifecycleEvent[] = [];
  const service = await openTokenService({ dataDir, issuer, publish: (e) => void events.push(e), keyRefreshMs: 0, ...extra });
  await service.listen(`127.0.0.1:${port}`);
  const issuerUrl = new URL(issuer);
  const as = await oauth.processDiscoveryResponse(issuerUrl, await oauth.discoveryRequest(issuerUrl, { algorithm: 'oauth2', ...insecure }));
  return {
    service,
    issuer,
    dataDir,
    events,
    as,
    async close() {
      await service.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A tiny cookie jar for walking the login flow with fetch. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = (pair ?? '').indexOf('=');
      if (eq > 0) this.cookies.set((pair as string).slice(0, eq).trim(), (pair as string).slice(eq + 1).trim());
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** Result of driving the browser part of the code flow. */
export interface CodeFlowResult {
  callback: URL;
  loginPage: string;
}

/**
 * Walks the authorization endpoint, the login form (GET then POST login+password) and the
 * automatic consent, following redirects by hand until the client's redirect URI is reached.
 */
export async function browserLogin(authorizationUrl: URL, redirectUri: string, login: string, password: string): Promise<CodeFlowResult> {
  const jar = new CookieJar();
  let url = authorizationUrl.href;
  let loginPage = '';
  for (let hop = 0; hop < 12; hop++) {
    if (url.startsWith(redirectUri)) return { callback: new URL(url), loginPage };
    let response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(response);
    if (response.status === 200 && new URL(url).pathname.startsWith('/interaction/')) {
      loginPage = await response.text();
      response = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ login, password }).toString(),
      });
      jar.store(response);
    }
    const location = response.headers.get('location');
    if (!location) throw new Error(`flow stopped at ${url} with status ${response.status}: ${(await response.text()).slice(0, 300)}`);
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects');
}
