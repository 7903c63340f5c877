import { eventSourceOf } from '../model/operations.js';
import type { SimEvent } from '../model/sim-event.js';

/** One CloudTrail record as AWS delivers it (the fields the simulator fills). */
export interface CloudTrailRecord {
  eventVersion: '1.10';
  userIdentity: {
    type: 'IAMUser';
    principalId: string;
    arn: string;
    accountId: string;
    accessKeyId: string;
    userName: string;
    sessionContext?: { attributes: { creationDate: string; mfaAuthenticated: 'true' | 'false' } };
  };
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  /** CloudTrail's mark of a call made with console sign-in credentials. */
  sessionCredentialFromConsole?: 'true';
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  requestID: string;
  eventID: string;
  readOnly: boolean;
  eventType: 'AwsApiCall';
  managementEvent: boolean;
  recipientAccountId: string;
  eventCategory: 'Management' | 'Data';
  resources?: { ARN: string; accountId?: string; type: string }[];
  tlsDetails?: { tlsVersion: string; cipherSuite: string; clientProvidedHostHeader: string };
}

/**
 * Renders an event as a CloudTrail record. CloudTrail keeps whole-second event times, so the
 * sub-second part is dropped here, as AWS does.
 *
 * @example
 * ```ts
 * toCloudTrail(ev, '418295730164').eventName; // 'GetObject'
 * ```
 */
export function toCloudTrail(ev: SimEvent, accountId: string): CloudTrailRecord {
  const source = eventSourceOf(ev.op);
  const rec: CloudTrailRecord = {
    eventVersion: '1.10',
    userIdentity: {
      type: 'IAMUser',
      principalId: ev.credential.principalId,
      arn: `arn:aws:iam::${accountId}:user/${ev.credential.userName}`,
      accountId,
      accessKeyId: ev.credential.id,
      userName: ev.credential.userName,
    },
    eventTime: `${new Date(ev.time).toISOString().slice(0, 19)}Z`,
    eventSource: source,
    eventName: ev.op.action,
    awsRegion: ev.region,
    sourceIPAddress: ev.ip,
    userAgent: ev.userAgent,
    requestParameters: ev.requestParameters ?? null,
    responseElements: ev.responseElements ?? null,
    requestID: ev.id.replace(/-/g, '').slice(0, 20).toUpperCase(),
    eventID: ev.id,
    readOnly: ev.op.readOnly,
    eventType: 'AwsApiCall',
    managementEvent: !ev.op.dataEvent,
    recipientAccountId: accountId,
    eventCategory: ev.op.dataEvent ? 'Data' : 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: source.replace('.amazonaws.com', `.${ev.region}.amazonaws.com`),
    },
  };
  if (ev.interactive) {
    rec.userIdentity.sessionContext = {
      attributes: { creationDate: `${new Date(ev.time - 3_600_000).toISOString().slice(0, 19)}Z`, mfaAuthenticated: 'true' },
    };
    // What real CloudTrail says of a person at the console, and all it says: the native form's `interactive`
    // flag has no other counterpart here, and without it the two forms of one story were judged differently.
    rec.sessionCredentialFromConsole = 'true';
  }
  if (ev.errorCode !== undefined) {
    rec.errorCode = ev.errorCode;
    rec.errorMessage = ev.errorMessage ?? ev.errorCode;
  }
  if (ev.op.service === 's3' && ev.resource) {
    const [bucket, ...key] = ev.resource.split('/');
    rec.resources =
      key.length > 0
        ? [
            { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${ev.resource}` },
            { accountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
          ]
        : [{ accountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }];
  }
  return rec;
}
