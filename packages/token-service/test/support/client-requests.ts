import assert from 'node:assert/strict';
import type { Harness } from './harness.js';

/** A confidential client's credentials, as `clients create` prints them. */
export interface ClientCredentials {
  id: string;
  secret: string;
}

/** RFC 6749 §2.3.1 Basic credentials (our ids and secrets need no form-encoding). */
export function basicAuth(client: ClientCredentials): string {
  return `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`;
}

/** A client_credentials access token for `client`, asserting the request succeeded. */
export async function clientCredentialsToken(h: Harness, client: ClientCredentials, scope = 'read'): Promise<string> {
  const res = await fetch(`${h.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client) },
    body: `grant_type=client_credentials&scope=${encodeURIComponent(scope)}`,
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** RFC 7662 introspection of `token` by `client`, asserting a 200 answer. */
export async function introspectAs(h: Harness, client: ClientCredentials, token: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${h.issuer}/token/introspection`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client) },
    body: `token=${encodeURIComponent(token)}`,
  });
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, unknown>;
}
