import { cloudServiceName, isAwsServiceOrigin } from '../cloud-service.js';
import { compact, isObject, type JsonObject, numAt, objAt, strAt, uint, uintAt } from '../fields.js';
import { isAccessDeniedCode, isAuthFailureCode, lifecycleFromErrorCode } from '../lifecycle-signals.js';
import { recordLocation, recordOrigin } from '../record-location.js';
import { eventTimeText, normaliseIp, parseEventTime } from '../time-and-ip.js';
import type { NormalisedEvent, ParseOutcome, RecordContext } from '../types.js';
import {
  awsResource,
  boundedParameters,
  createdComputeIds,
  issuedCredential,
  jsonObjectValue,
  keepsReadParameters,
} from './aws-request.js';

/**
 * True when a JSON object is an OCSF event (it has a numeric `class_uid`).
 *
 * @example
 * ```ts
 * looksOcsf({ class_uid: 6003, time: 1767225600000 }); // true
 * ```
 */
export function looksOcsf(o: JsonObject): boolean {
  return typeof o.class_uid === 'number' || (typeof o.class_uid === 'string' && /^\d+$/.test(o.class_uid));
}

const ACTIVITY_NAMES: Record<number, string> = { 1: 'create', 2: 'read', 3: 'update', 4: 'delete' };

// Bytes from the OCSF `traffic` object (HTTP and network activity), or a flat count on the record.
function trafficBytes(record: JsonObject, key: 'bytes_in' | 'bytes_out'): number | undefined {
  return uintAt(objAt(record, 'traffic'), key) ?? uintAt(record, key);
}

// Amazon Security Lake keeps CloudTrail's additionalEventData (S3's bytesTransferredOut) in `unmapped`:
// a map of flattened keys as its tables hold it, or nested as other exporters write it. CloudTrail
// writes the count as a float (`2048.0`), sometimes as text.
function lakeBytes(record: JsonObject, key: 'bytesTransferredIn' | 'bytesTransferredOut'): number | undefined {
  const unmapped = objAt(record, 'unmapped');
  if (unmapped === undefined) return undefined;
  return uint(unmapped[`additionalEventData.${key}`]) ?? uintAt(jsonObjectValue(unmapped.additionalEventData), key);
}

function outcomeOf(record: JsonObject, httpStatus: number | undefined): NormalisedEvent['outcome'] {
  const statusId = numAt(record, 'status_id');
  if (statusId === 1) return 'success';
  if (statusId === 2) return 'failure';
  const status = strAt(record, 'status')?.toLowerCase();
  if (status === 'success') return 'success';
  if (status === 'failure') return 'failure';
  if (httpStatus !== undefined) return httpStatus < 400 ? 'success' : 'failure';
  return 'unknown';
}

function resourceOf(record: JsonObject, api: JsonObject | undefined): string | undefined {
  const resources = record.resources;
  if (Array.isArray(resources)) {
    for (const r of resources) {
      if (!isObject(r)) continue;
      const name = strAt(r, 'uid') ?? strAt(r, 'name');
      if (name) return name.slice(0, 512);
    }
  }
  return strAt(objAt(api, 'resource'), 'name');
}

/**
 * Parses one OCSF event, primarily API Activity (class_uid 6003), and any other class carrying
 * an actor session (Authentication 3002, Web Resources Activity 6001...). The credential is
 * `actor.session.credential_uid`, else `actor.user.credential_uid` (where Amazon Security Lake
 * and the OCSF CloudTrail mappings put the access key), else `actor.session.uid`, else the user.
 *
 * @example
 * ```ts
 * parseOcsfRecord({ class_uid: 6003, time: 1767225600000, actor: { session: { credential_uid: 'AKIA1' } } }, { source: 'x', line: 1 });
 * ```
 */
export function parseOcsfRecord(record: unknown, ctx: RecordContext): ParseOutcome {
  if (!isObject(record)) return { kind: 'error', reason: 'OCSF record is not a JSON object' };
  if (!looksOcsf(record)) return { kind: 'error', reason: 'OCSF record without class_uid' };
  const actor = objAt(record, 'actor');
  const session = objAt(actor, 'session');
  const user = objAt(actor, 'user');
  // Amazon Security Lake and the OCSF CloudTrail mappings put the access key on the user
  // (actor.user.credential_uid); without any credential the user stands for itself.
  const credential =
    strAt(session, 'credential_uid') ?? strAt(user, 'credential_uid') ?? strAt(session, 'uid') ?? strAt(user, 'uid') ?? strAt(user, 'name');
  const ts = parseEventTime(record.time ?? record.time_dt);
  if (ts === undefined) return { kind: 'error', reason: 'OCSF record without a readable time' };
  if (!credential)
    return {
      kind: 'ignored',
      why: 'OCSF record without a credential, session or user (actor.session.credential_uid, actor.user.credential_uid, actor.session.uid, actor.user.uid)',
    };

  const src = objAt(record, 'src_endpoint');
  const rawIp = strAt(src, 'ip');
  const sourceIp = rawIp ? normaliseIp(rawIp) : undefined;
  // An AWS service acting for the caller (CloudTrail's sourceIPAddress `ec2.amazonaws.com` or `AWS Internal`):
  // Security Lake puts it in src_endpoint.domain, other mappers in src_endpoint.ip. No place, not an error.
  const serviceOrigin = rawIp && !sourceIp && isAwsServiceOrigin(rawIp) ? rawIp : strAt(src, 'domain');
  if (rawIp && !sourceIp && serviceOrigin !== rawIp) return { kind: 'error', reason: 'src_endpoint.ip is not an IP address' };
  const api = objAt(record, 'api');
  const httpRequest = objAt(record, 'http_request');
  const httpResponse = objAt(record, 'http_response');
  const url = objAt(httpRequest, 'url');
  const serviceEndpoint = strAt(objAt(api, 'service'), 'name');
  const service = serviceEndpoint === undefined ? undefined : cloudServiceName(serviceEndpoint);
  const apiOperation = strAt(api, 'operation');
  const httpStatus = uintAt(httpResponse, 'code');
  const apiResponse = objAt(api, 'response');
  const errorCode = strAt(apiResponse, 'error') ?? strAt(record, 'status_code');
  const activityId = numAt(record, 'activity_id');
  // CloudTrail's requestParameters and responseElements, where Security Lake's mapping puts them: what a write
  // changed (the user, the policy granted) and the key it handed out, as the CloudTrail parser keeps them.
  const requestData = jsonObjectValue(objAt(api, 'request')?.data);
  const responseData = jsonObjectValue(apiResponse?.data);
  const issued = issuedCredential(responseData);
  const rawPath = strAt(url, 'path');
  const status =
    httpStatus ?? (errorCode ? (isAuthFailureCode(errorCode) ? 401 : isAccessDeniedCode(errorCode) ? 403 : undefined) : undefined);
  const device = objAt(src, 'device') ?? objAt(record, 'device');
  const userAgent = strAt(httpRequest, 'user_agent') ?? strAt(src, 'svc_name');
  // A service acting for the caller names itself as the user agent: no client of the caller's (as in CloudTrail).
  const fromService = serviceOrigin !== undefined && isAwsServiceOrigin(serviceOrigin);
  const clientAgent = fromService && userAgent !== undefined && isAwsServiceOrigin(userAgent) ? undefined : userAgent;
  const classUid = numAt(record, 'class_uid');
  const operation = apiOperation ? (service && !apiOperation.includes(':') ? `${service}:${apiOperation}` : apiOperation) : undefined;

  const event: NormalisedEvent = compact({
    id: strAt(objAt(record, 'metadata'), 'uid') ?? recordLocation(ctx),
    time: eventTimeText(record.time ?? record.time_dt, ts),
    ts,
    credential_id: credential,
    credential_key: credential,
    principal: strAt(user, 'uid') ?? strAt(user, 'name') ?? strAt(user, 'email_addr'),
    source_ip: sourceIp,
    user_agent: clientAgent?.slice(0, 1024),
    device_id: strAt(device, 'uid'),
    tls_fingerprint: strAt(objAt(objAt(record, 'tls'), 'ja3_hash'), 'value'),
    operation,
    method: strAt(httpRequest, 'http_method'),
    path: rawPath?.split('?')[0]?.slice(0, 1024),
    resource: resourceOf(record, api) ?? awsResource(undefined, requestData),
    outcome: outcomeOf(record, httpStatus),
    status: status !== undefined && status <= 999 ? status : undefined,
    bytes_in: uintAt(httpRequest, 'length') ?? trafficBytes(record, 'bytes_in') ?? lakeBytes(record, 'bytesTransferredIn'),
    bytes_out: uintAt(httpResponse, 'length') ?? trafficBytes(record, 'bytes_out') ?? lakeBytes(record, 'bytesTransferredOut'),
    request_id: strAt(objAt(api, 'request'), 'uid'),
    error_code: errorCode,
    source_system: strAt(objAt(objAt(record, 'metadata'), 'product'), 'name') ?? 'ocsf',
    origin: recordOrigin(ctx),
    attributes: compact({
      ocsf_class_uid: classUid,
      activity_id: activityId,
      activity: activityId !== undefined ? ACTIVITY_NAMES[activityId] : undefined,
      api_service: service,
      cloud_region: strAt(objAt(record, 'cloud'), 'region'),
      source_service: fromService ? serviceOrigin.slice(0, 128) : undefined,
      service_user_agent: clientAgent === userAgent ? undefined : userAgent?.slice(0, 128),
      invoked_by: strAt(actor, 'invoked_by'),
      issued_credential_id: issued,
      created_compute_ids: createdComputeIds(apiOperation, responseData),
      requestParameters: activityId === 2 && !keepsReadParameters(operation) ? undefined : boundedParameters(requestData),
    }),
    lifecycle: lifecycleFromErrorCode(errorCode),
  });
  return { kind: 'event', event };
}
