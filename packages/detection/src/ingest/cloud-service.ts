/**
 * The short service name an operation is filed under (`iam` in `iam:CreateAccessKey`), from the
 * endpoint a log names: CloudTrail's `eventSource` and OCSF's `api.service.name` both carry
 * `iam.amazonaws.com`, while OCSF producers other than AWS may already give `iam`. Every
 * source must land on the same name or the operation catalog never matches.
 *
 * @example
 * ```ts
 * cloudServiceName('iam.amazonaws.com'); // 'iam'
 * cloudServiceName('cloudtrail'); // 'cloudtrail'
 * ```
 */
export function cloudServiceName(endpoint: string): string {
  return endpoint.replace(/\.amazonaws\.com$/i, '').split('.')[0] || endpoint;
}

/**
 * True when a log's source address is an AWS service acting for the caller rather than an address: CloudTrail's
 * `sourceIPAddress` holds `AWS Internal` or the service's endpoint (`cloudformation.amazonaws.com`) then, and
 * OCSF mappers copy it into `src_endpoint.ip` or `src_endpoint.domain`.
 *
 * @example
 * ```ts
 * isAwsServiceOrigin('autoscaling.amazonaws.com'); // true
 * isAwsServiceOrigin('203.0.113.7'); // false
 * ```
 */
export function isAwsServiceOrigin(source: string): boolean {
  return /^AWS Internal$|^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/i.test(source);
}
