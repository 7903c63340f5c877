import type { AccessEvent } from '@tokenwarden/core';

/** Whether a request read data, changed something, or neither (auth, errors). */
export type AccessKind = 'read' | 'change' | 'other';

// Besides the CRUD verbs, what spends or moves things: launching compute (RunInstances, RequestSpotInstances),
// invoking models, copying and sending, verifying senders, scheduling key deletion, opening ports.
const CHANGE_VERB =
  /^(create|put|update|delete|remove|attach|detach|add|set|modify|stop|start|disable|enable|deactivate|activate|reset|revoke|grant|register|deregister|associate|disassociate|import|upload|tag|untag|rotate|assign|unassign|suspend|unsuspend|run|request|invoke|converse|copy|send|verify|schedule|cancel|authorize|terminate|restore|replace|reboot|submit|publish|execute|apply|accept|leave|purchase|allocate|release|share|change|retire)/i;
const READ_VERB = /^(get|list|describe|head|lookup|search|select|query|scan|read|download|export|batchget|view|decrypt|generatedatakey)/i;

/**
 * Classifies one access as a read or a change: by HTTP method for API traffic, by the verb of the
 * operation name for cloud and SaaS audit events (CloudTrail `iam:CreateAccessKey`, Okta
 * `user.lifecycle.create`). Failed requests are `other`: they touched nothing.
 *
 * @example
 * ```ts
 * classifyAccess({ method: 'GET', outcome: 'success', ... }); // "read"
 * classifyAccess({ operation: 'cloudtrail:StopLogging', outcome: 'success', ... }); // "change"
 * ```
 */
export function classifyAccess(event: AccessEvent): AccessKind {
  if (event.outcome === 'failure' || (event.status !== undefined && event.status >= 400)) return 'other';
  if (event.operation) {
    const op = event.operation.includes(':') ? event.operation.slice(event.operation.lastIndexOf(':') + 1) : event.operation;
    const verb = op.includes('.') ? (op.split('.').at(-1) ?? op) : op;
    if (CHANGE_VERB.test(verb)) return 'change';
    if (READ_VERB.test(verb)) return 'read';
  }
  if (event.method) {
    const m = event.method.toUpperCase();
    if (m === 'GET' || m === 'HEAD') return 'read';
    if (m === 'POST' || m === 'PUT' || m === 'PATCH' || m === 'DELETE') return 'change';
  }
  return 'other';
}

/**
 * The kind of resource a request touched, for grouping: the first meaningful path segment
 * (`/api/v1/users/42` → `users`), the service of a cloud operation (`s3`), or the resource type.
 *
 * @example
 * ```ts
 * resourceKind({ path: '/api/v1/billing/invoices/7', ... }); // "billing"
 * ```
 */
export function resourceKind(event: AccessEvent): string {
  if (event.path) {
    const segments = event.path
      .split('?')[0]!
      .split('/')
      .filter((s) => s.length > 0 && !/^(api|v\d+(\.\d+)?|rest|graphql)$/i.test(s));
    const first = segments.find((s) => !/^\d+$/.test(s) && !/^[0-9a-f-]{16,}$/i.test(s));
    if (first) return first.toLowerCase();
  }
  if (event.operation?.includes(':')) return event.operation.split(':')[0]!.toLowerCase();
  if (event.operation?.includes('.')) return event.operation.split('.')[0]!.toLowerCase();
  if (event.resource) return event.resource.split(/[/:]/)[0]!.toLowerCase() || 'unknown';
  return 'unknown';
}
