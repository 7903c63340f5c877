/**
 * CloudTrail records written the way CloudTrail writes them (eventVersion 1.09/1.10): identities of
 * IAM users, assumed roles (SSO, OIDC CI jobs, instance profiles) with their `sessionContext`,
 * service calls made for a caller (`invokedBy`), `errorCode`/`errorMessage` as AWS spells them, and
 * `requestParameters`/`responseElements` where detection or response reads them.
 */
import { createHash } from 'node:crypto';

export const ACCOUNT = '418295730164';

/** Who made a call: the `userIdentity` object, and whether the session was started from the console. */
export interface Identity {
  userIdentity: Record<string, unknown>;
  console?: boolean;
}

function hex(seed: string, n: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, n);
}

function uuid(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** An access key id of the given prefix (`AKIA` long-term, `ASIA` session), stable for a seed. */
export function keyId(prefix: 'AKIA' | 'ASIA', seed: string): string {
  return (
    prefix +
    hex(seed, 16)
      .toUpperCase()
      .replace(/[0189]/g, 'Q')
  );
}

/** An IAM user signing with a long-term key. */
export function iamUser(name: string, accessKeyId: string): Identity {
  return {
    userIdentity: {
      type: 'IAMUser',
      principalId: `AIDA${hex(name, 17).toUpperCase()}`,
      arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
      accountId: ACCOUNT,
      accessKeyId,
      userName: name,
    },
  };
}

/** A role session (SSO permission set, CI OIDC role, instance profile), with the sessionContext CloudTrail logs. */
export function assumedRole(
  role: string,
  session: string,
  accessKeyId: string,
  created: string,
  opts: { mfa?: boolean; console?: boolean; path?: string } = {},
): Identity {
  const roleId = `AROA${hex(role, 17).toUpperCase()}`;
  return {
    console: opts.console,
    userIdentity: {
      type: 'AssumedRole',
      principalId: `${roleId}:${session}`,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}`,
      accountId: ACCOUNT,
      accessKeyId,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: roleId,
          arn: `arn:aws:iam::${ACCOUNT}:role/${opts.path ?? ''}${role}`,
          accountId: ACCOUNT,
          userName: role,
        },
        webIdFederationData: {},
        attributes: { creationDate: created, mfaAuthenticated: opts.mfa ? 'true' : 'false' },
      },
    },
  };
}

/** One API call. `source` is an address or a service (`cloudformation.amazonaws.com`, `AWS Internal`). */
export interface Call {
  at: number;
  who: Identity;
  /** `iam:CreateUser` style: the service's short name and the event name. */
  op: string;
  source: string;
  ua: string;
  region?: string;
  params?: Record<string, unknown> | null;
  response?: Record<string, unknown> | null;
  error?: { code: string; message: string };
  invokedBy?: string;
  readOnly?: boolean;
  /** S3 and other data events. */
  data?: boolean;
  resources?: { ARN: string; type: string; accountId?: string }[];
  /** `additionalEventData` beyond the signature fields (`bytesTransferredOut` of an S3 read). */
  additional?: Record<string, unknown>;
  /** Called through the VPC's gateway endpoint (`vpcEndpointId`; the source is then the private address). */
  vpcEndpoint?: boolean;
}

const READ_PREFIXES = ['Get', 'List', 'Describe', 'Head', 'Lookup', 'Search', 'Scan', 'Query', 'BatchGet', 'Select'];

/**
 * A CloudTrail record for one call.
 *
 * @example
 * ```ts
 * record({ at: Date.parse('2026-10-01T14:00:00Z'), who: iamUser('alice', 'AKIA...'), op: 's3:ListBuckets', source: '73.22.10.5', ua: 'aws-cli/2.15.30' });
 * ```
 */
export function record(c: Call): Record<string, unknown> {
  const [service, eventName] = c.op.split(':') as [string, string];
  const seed = `${c.at}|${c.op}|${JSON.stringify(c.who.userIdentity)}|${JSON.stringify(c.params ?? null)}`;
  const identity = c.invokedBy ? { ...c.who.userIdentity, invokedBy: c.invokedBy } : c.who.userIdentity;
  const readOnly = c.readOnly ?? READ_PREFIXES.some((p) => eventName.startsWith(p));
  const host = `${service}.amazonaws.com`;
  const r: Record<string, unknown> = {
    eventVersion: c.data ? '1.10' : '1.09',
    userIdentity: identity,
    eventTime: new Date(c.at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: `${service}.amazonaws.com`,
    eventName,
    awsRegion: c.region ?? 'us-east-1',
    sourceIPAddress: c.source,
    userAgent: c.ua,
  };
  if (c.error) {
    r.errorCode = c.error.code;
    r.errorMessage = c.error.message;
  }
  r.requestParameters = c.params === undefined ? null : c.params;
  r.responseElements = c.response === undefined ? null : c.response;
  r.requestID = c.data ? hex(`req${seed}`, 16).toUpperCase() : uuid(`req${seed}`);
  r.eventID = uuid(`evt${seed}`);
  r.readOnly = readOnly;
  if (c.additional) r.additionalEventData = { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', ...c.additional };
  if (c.resources) r.resources = c.resources;
  r.eventType = 'AwsApiCall';
  r.managementEvent = !c.data;
  r.recipientAccountId = ACCOUNT;
  if (c.data) r.sharedEventID = uuid(`shared${seed}`);
  r.eventCategory = c.data ? 'Data' : 'Management';
  if (c.source.includes('.') && /^\d/.test(c.source)) {
    r.tlsDetails = { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: host };
  }
  if (c.vpcEndpoint) r.vpcEndpointId = 'vpce-0a1b2c3d4e5f67890';
  if (c.who.console) r.sessionCredentialFromConsole = 'true';
  return r;
}

/** S3 GetObject as a data event (resources list, bytesTransferredOut). */
export function getObject(base: Omit<Call, 'op' | 'params' | 'data' | 'resources'>, bucket: string, key: string, bytes: number): Call {
  return {
    ...base,
    op: 's3:GetObject',
    data: true,
    params: { bucketName: bucket, Host: `${bucket}.s3.${base.region ?? 'us-east-1'}.amazonaws.com`, key },
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
      { accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
    ],
    response: null,
    additional: { bytesTransferredIn: 0, bytesTransferredOut: bytes },
  };
}

/** iam:CreateAccessKey for `userName`, with the new key in the response as CloudTrail logs it. */
export function createAccessKey(base: Omit<Call, 'op' | 'params' | 'response'>, userName: string, newKeyId: string): Call {
  return {
    ...base,
    op: 'iam:CreateAccessKey',
    params: { userName },
    response: { accessKey: { accessKeyId: newKeyId, status: 'Active', userName } },
  };
}

/** The CloudTrail file object for records (`{"Records":[...]}`), sorted as CloudTrail never promises but mostly does. */
export function trailFile(calls: Call[]): string {
  const records = calls
    .slice()
    .sort((a, b) => a.at - b.at)
    .map(record);
  return JSON.stringify({ Records: records });
}

/** Real user agents, as CloudTrail logs them. */
export const UA = {
  cliMac:
    'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/macos#23.4.0 md/arch#arm64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off md/command#s3.ls',
  cliMacNew:
    'aws-cli/2.17.4 md/awscrt#0.20.11 ua/2.0 os/macos#24.0.0 md/arch#arm64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off md/command#s3.ls',
  cliLinux:
    'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#5.15.0-1055-aws md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off md/command#sts.get-caller-identity',
  boto3Linux:
    'Boto3/1.34.84 md/Botocore#1.34.84 ua/2.0 os/linux#6.1.0-18-amd64 md/arch#x86_64 lang/python#3.11.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.84',
  console: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  consoleWin:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0',
  terraform:
    'APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.45.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/iam#1.31.4',
  ghaCli:
    'aws-cli/2.15.38 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0-1017-azure md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython exec-env/GitHubActions cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off md/command#s3.sync',
  codebuild:
    'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#4.14.336-257.566.amzn2.x86_64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython exec-env/AWS_ECS_EC2 cfg/retry-mode#standard md/installer#exe md/distrib#amzn.2 md/prompt#off md/command#ecr.get-login-password',
  lambdaNode:
    'aws-sdk-js/3.535.0 ua/2.0 os/linux#5.10.214-223.826.amzn2.x86_64 lang/js md/nodejs#20.12.0 api/s3#3.535.0 exec-env/AWS_Lambda_nodejs20.x',
} as const;
