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
