import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

/** An ECDSA P-256 signer standing in for GitHub's secret-scanning key. */
export interface TestSigner {
  keyIdentifier: string;
  publicPem: string;
  privateKey: KeyObject;
}

/** Makes a fresh P-256 key pair with an identifier, as GitHub publishes them. */
export function makeSigner(keyIdentifier: string): TestSigner {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { keyIdentifier, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey };
}

/** GitHub's signature headers for `body`. */
export function githubHeaders(signer: TestSigner, body: string | Buffer): Record<string, string> {
  return {
    'Github-Public-Key-Identifier': signer.keyIdentifier,
    'Github-Public-Key-Signature': sign('sha256', Buffer.from(body), { key: signer.privateKey, dsaEncoding: 'der' }).toString('base64'),
  };
}

/** The shared-secret signature header for `body`. */
export function hmacHeaders(secret: string, body: string | Buffer): Record<string, string> {
  return { 'X-Hub-Signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` };
}

/** A report body in GitHub's partner format. */
export function reportBody(items: { token: string; type?: string; url?: string; source?: string }[]): string {
  return JSON.stringify(
    items.map((i) => ({
      token: i.token,
      type: i.type ?? 'tokenwarden_api_key',
      url: i.url ?? 'https://github.com/octocat/hello/blob/0123456789abcdef/config.env',
      source: i.source ?? 'content',
    })),
  );
}

/** POSTs `body` with `headers` to the intake and returns status and parsed JSON. */
export async function postReport(
  url: string,
  body: string | Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; json: unknown; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}
