/**
 * The CloudTrail records of `cloudtrail-writer.ts` as Amazon Security Lake delivers them: OCSF 1.1 API Activity
 * (class 6003), one object per line, with Security Lake's CloudTrail mapping: the access key is
 * `actor.user.credential_uid`, the caller `actor.user.uid` (its ARN; the principal id is `uid_alt`), the session's
 * issuer and MFA in `actor.session`, a service acting for the caller in `actor.invoked_by` and
 * `src_endpoint.domain`, requestParameters and responseElements in `api.request.data` and `api.response.data` (as
 * JSON text, the way they come out of Security Lake's Parquet tables), the error in `api.response`.
 */
import { type Call, record } from './cloudtrail-writer.js';

const ACTIVITY: Record<string, number> = {
  Create: 1,
  Put: 1,
  Run: 1,
  Get: 2,
  List: 2,
  Describe: 2,
  Head: 2,
  Update: 3,
  Attach: 3,
  Set: 3,
  Delete: 4,
  Detach: 4,
  Remove: 4,
};

function activityOf(eventName: string): number {
  for (const [verb, id] of Object.entries(ACTIVITY)) if (eventName.startsWith(verb)) return id;
  return 99;
}

/**
 * One call as an OCSF API Activity object.
 *
 * @example
 * ```ts
 * ocsfApiActivity({ at: Date.now(), who: iamUser('alice', 'AKIA...'), op: 's3:ListBuckets', source: '73.22.10.5', ua: 'aws-cli/2.15.30' });
 * ```
 */
export function ocsfApiActivity(c: Call): Record<string, unknown> {
  const r = record(c);
  const identity = r.userIdentity as Record<string, unknown>;
  const sessionContext = identity.sessionContext as
    | { sessionIssuer?: { arn?: string }; attributes?: { creationDate?: string; mfaAuthenticated?: string } }
    | undefined;
  const eventName = r.eventName as string;
  const activity = activityOf(eventName);
  const source = r.sourceIPAddress as string;
  const isAddress = /^[\d.]+$|:/.test(source);
  const error = r.errorCode as string | undefined;
  return {
    activity_id: activity,
    activity_name: activity === 99 ? 'Other' : ['', 'Create', 'Read', 'Update', 'Delete'][activity],
    actor: {
      user: {
        type: identity.type,
        name: identity.userName ?? (sessionContext?.sessionIssuer as { userName?: string } | undefined)?.userName,
        uid: identity.arn,
        uid_alt: identity.principalId,
        account: { uid: identity.accountId },
        credential_uid: identity.accessKeyId,
      },
      ...(sessionContext
        ? {
            session: {
              created_time_dt: sessionContext.attributes?.creationDate,
              is_mfa: sessionContext.attributes?.mfaAuthenticated === 'true',
              issuer: sessionContext.sessionIssuer?.arn,
            },
          }
        : {}),
      ...(identity.invokedBy ? { invoked_by: identity.invokedBy } : {}),
    },
    api: {
      operation: eventName,
      service: { name: r.eventSource },
      request: { uid: r.requestID, ...(r.requestParameters ? { data: JSON.stringify(r.requestParameters) } : {}) },
      response: {
        ...(error ? { error, message: r.errorMessage } : {}),
        ...(r.responseElements ? { data: JSON.stringify(r.responseElements) } : {}),
      },
    },
    category_name: 'Application Activity',
    category_uid: 6,
    class_name: 'API Activity',
    class_uid: 6003,
    cloud: { region: r.awsRegion, provider: 'AWS' },
    http_request: { user_agent: r.userAgent },
    metadata: {
      product: {
        version: r.eventVersion,
        name: 'CloudTrail',
        vendor_name: 'AWS',
        feature: { name: r.managementEvent ? 'Management' : 'Data' },
      },
      uid: r.eventID,
      profiles: ['cloud', 'datetime'],
      version: '1.1.0',
    },
    ...(Array.isArray(r.resources)
      ? { resources: (r.resources as { ARN: string; type: string }[]).map((x) => ({ uid: x.ARN, type: x.type })) }
      : {}),
    severity: 'Informational',
    severity_id: 1,
    src_endpoint: isAddress ? { ip: source } : { domain: source },
    status: error ? 'Failure' : 'Success',
    status_id: error ? 2 : 1,
    time: Date.parse(r.eventTime as string),
    time_dt: r.eventTime,
    type_name: `API Activity: ${activity === 99 ? 'Other' : ['', 'Create', 'Read', 'Update', 'Delete'][activity]}`,
    type_uid: 600300 + activity,
    unmapped: { additionalEventData: r.additionalEventData, eventCategory: r.eventCategory, readOnly: r.readOnly },
  };
}
