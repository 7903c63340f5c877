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

/** A request that went through the middleware. */
export type GuardedRequest = IncomingMessage & { tokenwarden?: RequestAuthContext };

/**
 * A connect/express/`http` middleware `(req, res, next)`. Refused requests are answered here;
 * admitted ones get `req.tokenwarden` and `req.url` rewritten to the normalised target, so the
 * app's router sees exactly the path that was checked (no `/admin/../` bypass).
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
): (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void {
  const enforce = (req: IncomingMessage, res: ServerResponse, decision: GuardDecision, next: (err?: unknown) => void): void => {
    res.once('finish', () => guard.finish(decision, res.statusCode));
    if (!decision.allow) {
      sendRefusal(res, decision.refusal);
      return;
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
