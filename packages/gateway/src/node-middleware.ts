import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayGuard, GuardDecision } from './gateway-guard.js';
import { guardRequestOf, sendRefusal } from './respond.js';
import type { VerifiedCredential } from './verified-credential.js';

/** What the middleware attaches to an admitted request as `req.tokenwarden`. */
export interface RequestAuthContext {
  requestId: string;
  credential: VerifiedCredential | undefined;
  route: number | undefined;
}

/** Options of {@link createNodeMiddleware}. */
export interface NodeMiddlewareOptions {
  /**
   * End an admitted request's response (`res.destroy()`) when its credential is revoked, blocked or
   * expires, or its address is blocked, while the app is still sending it. Default true; costs one
   * `close` listener and a set insertion per admitted request.
   */
  cutOffOpenResponses?: boolean;
}

/** A request that went through the middleware. */
export type GuardedRequest = IncomingMessage & { tokenwarden?: RequestAuthContext };

/**
 * A connect/express/`http` middleware `(req, res, next)`. Refused requests are answered here;
 * admitted ones get `req.tokenwarden` and `req.url` rewritten to the normalised target, so the
 * app's router sees exactly the path that was checked (no `/admin/../` bypass). A response still
 * streaming when its credential is revoked, blocked or expires is ended (see
 * {@link NodeMiddlewareOptions.cutOffOpenResponses}).
 *
 * @example
 * ```ts
 * const app = express();
 * app.use(createNodeMiddleware(guard));
 * // or with plain http:
 * http.createServer((req, res) => mw(req, res, () => handler(req, res)));
 * ```
 */
export function createNodeMiddleware(
  guard: GatewayGuard,
  options: NodeMiddlewareOptions = {},
): (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void {
  const watchOpen = options.cutOffOpenResponses ?? true;
  const enforce = (req: IncomingMessage, res: ServerResponse, decision: GuardDecision, next: (err?: unknown) => void): void => {
    res.once('finish', () => guard.finish(decision, res.statusCode));
    if (!decision.allow) {
      sendRefusal(res, decision.refusal);
      return;
    }
    if (watchOpen) {
      // The app's response may stream for long (server-sent events): a revocation, block or
      // expiry meanwhile ends it, as the reverse proxy ends its streams.
      const release = guard.holdOpen(decision, () => res.destroy());
      res.once('close', release);
    }
    req.url = decision.forwardTarget;
    (req as GuardedRequest).tokenwarden = {
      requestId: decision.requestId,
      credential: decision.credential,
      route: decision.route?.index,
    };
    next();
  };
  const apply = (req: IncomingMessage, res: ServerResponse, decision: GuardDecision, next: (err?: unknown) => void): void => {
    if (decision.delayMs > 0) setTimeout(() => enforce(req, res, decision, next), decision.delayMs);
    else enforce(req, res, decision, next);
  };
  // The guard answers synchronously for a cached credential: no promise on the common request.
  return (req, res, next) => {
    let outcome: GuardDecision | Promise<GuardDecision>;
    try {
      outcome = guard.decide(guardRequestOf(req));
    } catch (err) {
      next(err);
      return;
    }
    if (outcome instanceof Promise) outcome.then((decision) => apply(req, res, decision, next), next);
    else apply(req, res, outcome, next);
  };
}
