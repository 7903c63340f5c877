import { buildSecurityEventToken, SET_EVENT_TYPES, type SecurityEvent, type SetSigner } from './security-event-token.js';

/** A receiver subscribed to our stream (RFC 8935 push delivery). */
export interface SsfReceiver {
  id: string;
  /** Push endpoint. */
  endpoint: string;
  /** The `aud` of SETs for this receiver. */
  audience: string;
  /** Sent as the Authorization header when the receiver requires one. */
  authorization?: string;
  /** Event type URIs the receiver asked for; empty or missing = all we transmit. */
  events_requested?: string[];
}

/** The outcome of pushing one SET to one receiver. */
export interface PushResult {
  receiver: string;
  jti: string;
  ok: boolean;
  status?: number;
  /** RFC 8935 §2.3 error code from the receiver (e.g. `invalid_request`, `authentication_failed`). */
  err?: string;
  description?: string;
  attempts: number;
}

const TYPE_URI: Record<SecurityEvent['type'], string> = {
  'session-revoked': SET_EVENT_TYPES.sessionRevoked,
  'credential-change': SET_EVENT_TYPES.credentialChange,
  'credential-compromise': SET_EVENT_TYPES.credentialCompromise,
};

/**
 * A Shared Signals Framework transmitter: signs CAEP/RISC events as SETs and pushes them to every
 * receiver that asked for them, per RFC 8935 (POST `application/secevent+jwt`, 202 Accepted on
 * success, a JSON `{err, description}` on a 400, retry with backoff on network errors and 5xx).
 *
 * @example
 * ```ts
 * const tx = new SsfTransmitter(signer, [{ id: 'okta', endpoint: 'https://idp/ssf/push', audience: 'https://idp' }]);
 * await tx.transmit({ type: 'session-revoked', subject: { format: 'email', email: 'ana@example.com' }, time: new Date() });
 * ```
 */
export class SsfTransmitter {
  constructor(
    private readonly signer: SetSigner,
    private readonly receivers: readonly SsfReceiver[],
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly retries = 3,
  ) {}

  /** Sends `event` to every interested receiver; never throws for a receiver's failure. */
  async transmit(event: SecurityEvent, txn?: string): Promise<PushResult[]> {
    const uri = TYPE_URI[event.type];
    const targets = this.receivers.filter(
      (r) => !r.events_requested || r.events_requested.length === 0 || r.events_requested.includes(uri),
    );
    return Promise.all(
      targets.map(async (r) => {
        const { jti, token } = await buildSecurityEventToken(this.signer, r.audience, event, txn);
        return this.push(r, jti, token);
      }),
    );
  }

  private async push(r: SsfReceiver, jti: string, token: string): Promise<PushResult> {
    let last: PushResult = { receiver: r.id, jti, ok: false, attempts: 0 };
    for (let attempt = 1; attempt <= this.retries + 1; attempt++) {
      try {
        const res = await this.fetchImpl(r.endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/secevent+jwt',
            accept: 'application/json',
            ...(r.authorization ? { authorization: r.authorization } : {}),
          },
          body: token,
          signal: AbortSignal.timeout(5000),
        });
        const text = await res.text().catch(() => '');
        if (res.status === 202 || res.status === 200 || res.status === 204)
          return { receiver: r.id, jti, ok: true, status: res.status, attempts: attempt };
        let err: string | undefined;
        let description: string | undefined;
        try {
          const body = JSON.parse(text) as { err?: string; description?: string };
          err = body.err;
          description = body.description;
        } catch {
          // Not JSON: keep the status only.
        }
        last = {
          receiver: r.id,
          jti,
          ok: false,
          status: res.status,
          attempts: attempt,
          ...(err ? { err } : {}),
          ...(description ? { description } : {}),
        };
        if (res.status < 500 && res.status !== 429) return last;
      } catch (e) {
        last = { receiver: r.id, jti, ok: false, attempts: attempt, description: (e as Error).message };
      }
      if (attempt <= this.retries) await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** (attempt - 1)));
    }
    return last;
  }
}
