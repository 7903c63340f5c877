import { isObject, type JsonObject, objAt, strAt } from '../fields.js';

// requestParameters keys that name what was touched, most specific first.
const RESOURCE_KEYS = [
  'bucketName',
  'key',
  'userName',
  'roleName',
  'policyArn',
  'groupName',
  'accessKeyId',
  'secretId',
  'name',
  'functionName',
  'tableName',
  'trailName',
  'detectorId',
  'instanceId',
  'keyId',
  'dBInstanceIdentifier',
  'clusterName',
  'repositoryName',
  'logGroupName',
  'queueUrl',
  'topicArn',
  'stackName',
];

/** Largest request-parameters object kept on an event, as JSON text (a policy document can be large). */
const MAX_PARAMETERS_CHARS = 4096;

/**
 * What an AWS call touched, from its `resources` list (an ARN) or else its request parameters
 * (`bucket/key`, `userName=...`).
 *
 * @example
 * ```ts
 * awsResource(undefined, { userName: 'backup-svc' }); // 'userName=backup-svc'
 * ```
 */
export function awsResource(resources: unknown, params: JsonObject | undefined): string | undefined {
  if (Array.isArray(resources)) {
    for (const r of resources) {
      const arn = isObject(r) ? (strAt(r, 'ARN') ?? strAt(r, 'uid')) : undefined;
      if (arn) return arn.slice(0, 512);
    }
  }
  if (!params) return undefined;
  const bucket = strAt(params, 'bucketName');
  const key = strAt(params, 'key');
  if (bucket) return (key ? `${bucket}/${key}` : bucket).slice(0, 512);
  for (const k of RESOURCE_KEYS) {
    const v = strAt(params, k);
    if (v) return `${k}=${v}`.slice(0, 512);
  }
  return undefined;
}

/**
 * Request parameters small enough to keep on an event (what a write changed: the user, key, policy, trail),
 * else undefined.
 *
 * @example
 * ```ts
 * boundedParameters({ userName: 'backup-svc' }); // { userName: 'backup-svc' }
 * ```
 */
export function boundedParameters(params: JsonObject | undefined): JsonObject | undefined {
  if (params === undefined || Object.keys(params).length === 0) return undefined;
  return JSON.stringify(params).length <= MAX_PARAMETERS_CHARS ? params : undefined;
}

/**
 * Reads whose parameters detection needs: which secrets or parameters were asked for and whether decrypted (a
 * harvest of secrets shows only there). Other reads' parameters are dropped: they say nothing a write would.
 */
const READS_WITH_KEPT_PARAMETERS: ReadonlySet<string> = new Set([
  'ssm:GetParameter',
  'ssm:GetParameters',
  'ssm:GetParametersByPath',
  'secretsmanager:BatchGetSecretValue',
]);

/**
 * Whether a read-only call's request parameters are kept on its event (see `READS_WITH_KEPT_PARAMETERS`).
 *
 * @example
 * ```ts
 * keepsReadParameters('ssm:GetParameters'); // true
 * keepsReadParameters('s3:ListBuckets');    // false
 * ```
 */
export function keepsReadParameters(operation: string | undefined): boolean {
  return operation !== undefined && READS_WITH_KEPT_PARAMETERS.has(operation);
}

/**
 * The credential an AWS call handed out, from its response: STS session keys (AssumeRole, GetSessionToken,
 * GetFederationToken) or a user's new access key (CreateAccessKey).
 *
 * @example
 * ```ts
 * issuedCredential({ accessKey: { accessKeyId: 'AKIANEW' } }); // 'AKIANEW'
 * ```
 */
export function issuedCredential(response: JsonObject | undefined): string | undefined {
  return strAt(objAt(response, 'credentials'), 'accessKeyId') ?? strAt(objAt(response, 'accessKey'), 'accessKeyId');
}

/**
 * A JSON object carried either as an object or as JSON text: OCSF's `api.request.data` and `api.response.data`
 * (type `json`) arrive as objects in JSON exports and as strings from Parquet tables such as Security Lake's.
 *
 * @example
 * ```ts
 * jsonObjectValue('{"userName":"bob"}'); // { userName: 'bob' }
 * ```
 */
export function jsonObjectValue(v: unknown): JsonObject | undefined {
  if (isObject(v)) return v;
  if (typeof v !== 'string' || v.length === 0 || v.length > 65_536 || v.charCodeAt(0) !== 123) return undefined;
  try {
    const parsed: unknown = JSON.parse(v);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Most resource ids kept from one launch (a mining run asks for dozens of instances at once). */
const MAX_CREATED_IDS = 50;

function idsIn(list: unknown, key: string, out: string[]): void {
  const items = isObject(list) ? list.items : undefined;
  if (!Array.isArray(items)) return;
  for (const item of items) {
    const id = isObject(item) ? strAt(item, key) : undefined;
    if (id !== undefined && out.length < MAX_CREATED_IDS) out.push(id.slice(0, 64));
  }
}

/**
 * The compute a launch call started, from its response: the instances of `RunInstances`, the requests of
 * `RequestSpotInstances`, the fleet of `RequestSpotFleet` or `CreateFleet`. What a responder terminates; undefined
 * for other calls or a response without ids.
 *
 * @example
 * ```ts
 * createdComputeIds('RunInstances', { instancesSet: { items: [{ instanceId: 'i-0abc' }] } }); // ['i-0abc']
 * ```
 */
export function createdComputeIds(eventName: string | undefined, response: JsonObject | undefined): string[] | undefined {
  if (response === undefined) return undefined;
  const ids: string[] = [];
  if (eventName === 'RunInstances') idsIn(response.instancesSet, 'instanceId', ids);
  else if (eventName === 'RequestSpotInstances') idsIn(response.spotInstanceRequestSet, 'spotInstanceRequestId', ids);
  else if (eventName === 'RequestSpotFleet') {
    const id = strAt(objAt(response, 'RequestSpotFleetResponse'), 'spotFleetRequestId') ?? strAt(response, 'spotFleetRequestId');
    if (id !== undefined) ids.push(id.slice(0, 64));
  } else if (eventName === 'CreateFleet') {
    const id = strAt(objAt(response, 'CreateFleetResponse'), 'fleetId') ?? strAt(response, 'fleetId');
    if (id !== undefined) ids.push(id.slice(0, 64));
  }
  return ids.length > 0 ? ids : undefined;
}
