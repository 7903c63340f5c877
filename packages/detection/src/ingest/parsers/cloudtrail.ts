import { cloudServiceName, isAwsServiceOrigin } from '../cloud-service.js';
import { boolAt, compact, isObject, type JsonObject, objAt, strAt, uintAt } from '../fields.js';
import { isAccessDeniedCode, isAuthFailureCode, lifecycleFromErrorCode } from '../lifecycle-signals.js';
import { recordLocation, recordOrigin } from '../record-location.js';
import { eventTimeText, normaliseIp, parseEventTime } from '../time-and-ip.js';
import type { NormalisedEvent, ParseOutcome, RecordContext } from '../types.js';
import { awsResource, boundedParameters, createdComputeIds, issuedCredential, keepsReadParameters } from './aws-request.js';

/**
 * True when a JSON object looks like one CloudTrail record.
 *
 * @example
 * ```ts
 * looksCloudTrail({ eventVersion: '1.08', eventSource: 'iam.amazonaws.com', userIdentity: {} }); // true
 * ```
 */
export function looksCloudTrail(o: JsonObject): boolean {
  return 'eventSource' in o && ('userIdentity' in o || 'eventVersion' in o) && 'eventName' in o;
}

/**
 * True when a JSON object is a CloudTrail digest (the hourly integrity file CloudTrail writes beside the logs,
 * under `CloudTrail-Digest/` in the same S3 export) or an Insights event (`CloudTrail-Insight/`: an unusual API
 * rate in the account, naming no caller): valid input with no credential's call in it.
 *
 * @example
 * ```ts
 * isCloudTrailWithoutCaller({ awsAccountId: '123456789012', digestStartTime: '2026-11-05T09:00:00Z', logFiles: [] }); // true
 * ```
 */
export function isCloudTrailWithoutCaller(o: JsonObject): boolean {
  if (o.eventType === 'AwsCloudTrailInsight' && 'insightDetails' in o) return true;
  return 'digestStartTime' in o && 'digestEndTime' in o && ('logFiles' in o || 'digestSignatureAlgorithm' in o);
}

function principalOf(identity: JsonObject | undefined): string | undefined {
  if (!identity) return undefined;
  return (
    strAt(identity, 'arn') ??
    strAt(objAt(objAt(identity, 'sessionContext'), 'sessionIssuer'), 'arn') ??
    strAt(identity, 'principalId') ??
    strAt(identity, 'userName')
  );
}

function statusOf(errorCode: string | undefined): number | undefined {
  if (!errorCode) return 200;
  if (isAuthFailureCode(errorCode)) return 401;
  if (isAccessDeniedCode(errorCode)) return 403;
  if (/notfound|nosuch/i.test(errorCode)) return 404;
  if (/throttl|toomanyrequests|limitexceeded/i.test(errorCode)) return 429;
  return 400;
}

/**
 * Parses one CloudTrail record. The credential is `userIdentity.accessKeyId` exactly as logged;
 * the operation is `<service>:<eventName>` (`iam:CreateAccessKey`). Records without an access
 * key (AWS service events, console sign-in) are ignored, not errors. `sourceIPAddress` values
 * that are service names (`AWS Internal`, `ec2.amazonaws.com`) are kept as `attributes.source_service`.
 *
 * @example
 * ```ts
 * parseCloudTrailRecord(record, { source: 'trail.json', line: 3 });
 * ```
 */
export function parseCloudTrailRecord(record: unknown, ctx: RecordContext): ParseOutcome {
  if (!isObject(record)) return { kind: 'error', reason: 'CloudTrail record is not a JSON object' };
  if (isCloudTrailWithoutCaller(record)) return { kind: 'ignored', why: 'CloudTrail digest or Insights record (no caller)' };
  const identity = objAt(record, 'userIdentity');
  const eventSource = strAt(record, 'eventSource');
  const eventName = strAt(record, 'eventName');
  if (!eventSource || !eventName) return { kind: 'error', reason: 'CloudTrail record without eventSource/eventName' };
  const ts = parseEventTime(record.eventTime);
  if (ts === undefined) return { kind: 'error', reason: 'CloudTrail record without a readable eventTime' };
  const accessKeyId = strAt(identity, 'accessKeyId');
  if (!accessKeyId) return { kind: 'ignored', why: 'CloudTrail record without userIdentity.accessKeyId' };

  const rawSource = strAt(record, 'sourceIPAddress');
  const sourceIp = rawSource ? normaliseIp(rawSource) : undefined;
  // "AWS Internal" or "<service>.amazonaws.com": a service acted on the caller's behalf.
  const sourceService = rawSource && !sourceIp ? rawSource.slice(0, 128) : undefined;
  if (rawSource && !sourceIp && !isAwsServiceOrigin(rawSource)) {
    return { kind: 'error', reason: 'sourceIPAddress is neither an IP address nor an AWS service' };
  }
  const errorCode = strAt(record, 'errorCode');
  const service = cloudServiceName(eventSource);
  const sessionContext = objAt(identity, 'sessionContext');
  const invokedBy = strAt(identity, 'invokedBy');
  const userAgent = strAt(record, 'userAgent');
  const fromConsole =
    boolAt(record, 'sessionCredentialFromConsole') === true ||
    (userAgent !== undefined && /^(console|signin)\.amazonaws\.com$|^AWS Internal$/i.test(userAgent) && !invokedBy);
  const additional = objAt(record, 'additionalEventData');
  const readOnly = boolAt(record, 'readOnly');
  const managementEvent = boolAt(record, 'managementEvent');
  const mfa = boolAt(objAt(sessionContext, 'attributes'), 'mfaAuthenticated');
  const accountId = strAt(record, 'recipientAccountId') ?? strAt(identity, 'accountId');
  // The credential this call handed out: STS session keys (AssumeRole, GetSessionToken,
  // GetFederationToken) or a user's new access key (CreateAccessKey). Its later use is followed.
  const response = objAt(record, 'responseElements');
  const issued = issuedCredential(response);
  const params = objAt(record, 'requestParameters');
  const operation = `${service}:${eventName}`;

  // A call a service made for the caller (CloudFormation creating a stack's role with the user's session) names the
  // service as its user agent: that is not the caller's device or tool, so it is no client to learn or to find new.
  const clientAgent = sourceService !== undefined && userAgent !== undefined && isAwsServiceOrigin(userAgent) ? undefined : userAgent;

  const event: NormalisedEvent = compact({
    id: strAt(record, 'eventID') ?? recordLocation(ctx),
    time: eventTimeText(record.eventTime, ts),
    ts,
    credential_id: accessKeyId,
    credential_key: accessKeyId,
    credential_kind: 'cloud_access_key' as const,
    principal: principalOf(identity),
    source_ip: sourceIp,
    user_agent: clientAgent?.slice(0, 1024),
    operation,
    resource: awsResource(record.resources, params),
    outcome: errorCode ? ('failure' as const) : ('success' as const),
    status: statusOf(errorCode),
    bytes_in: uintAt(additional, 'bytesTransferredIn'),
    bytes_out: uintAt(additional, 'bytesTransferredOut'),
    request_id: strAt(record, 'requestID'),
    // A service's own call for the caller says nothing of how the caller works (a console user's stack): neither.
    // A long-term access key (`AKIA…`) is never a console session (signing in gives temporary `ASIA…` keys): its
    // calls are programs, whatever user agent they send (a stolen key replayed with its victim's browser string).
    interactive: fromConsole ? true : (invokedBy && sourceService === undefined) || accessKeyId.startsWith('AKIA') ? false : undefined,
    error_code: errorCode,
    source_system: 'cloudtrail',
    origin: recordOrigin(ctx),
    attributes: compact({
      event_source: eventSource,
      event_name: eventName,
      event_type: strAt(record, 'eventType'),
      read_only: readOnly,
      management_event: managementEvent,
      identity_type: strAt(identity, 'type'),
      invoked_by: invokedBy,
      source_service: sourceService,
      service_user_agent: clientAgent === userAgent ? undefined : userAgent?.slice(0, 128),
      aws_region: strAt(record, 'awsRegion'),
      account_id: accountId,
      mfa_authenticated: mfa,
      error_message: strAt(record, 'errorMessage')?.slice(0, 256),
      vpc_endpoint_id: strAt(record, 'vpcEndpointId'),
      issued_credential_id: issued,
      // The instances, spot requests or fleet a launch started: what a responder terminates.
      created_compute_ids: createdComputeIds(eventName, response),
      // How S3 encrypted the object: `SSE_C` is a key the caller holds and the account never sees (ransom's tool).
      sse_applied: strAt(additional, 'SSEApplied'),
      // What a write changed (the user, key, policy, trail): the response runbook undoes it from these. Reads keep
      // theirs only where detection reads them (which secrets a call asked for).
      requestParameters: readOnly === true && !keepsReadParameters(operation) ? undefined : boundedParameters(params),
    }),
    lifecycle: lifecycleFromErrorCode(errorCode),
  });
  return { kind: 'event', event };
}
