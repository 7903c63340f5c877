/** Where a role session's name starts in an STS ARN: `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
const ASSUMED_ROLE = ':assumed-role/';
/** Shortest random tail of a generated session name (`atlantis-2c34125e`, `botocore-session-1699999999`). */
const GENERATED_TAIL_MIN = 6;

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * True when a role session's name is made up by a tool for each run rather than naming who or what acts: all digits
 * (an epoch), or a tail of six or more letters and digits holding a digit after a `-`, `_` or `.` (Atlantis's
 * `atlantis-2c34125e`, botocore's `botocore-session-1699999999`, a CodeBuild build id). An e-mail address (an SSO
 * user) and an EC2 instance id (`i-…`, its own machine) name one actor each and are kept.
 */
function isGeneratedSessionName(session: string): boolean {
  if (session.length === 0 || session.includes('@')) return false;
  if (session.charCodeAt(0) === 105 && session.charCodeAt(1) === 45) return false; // i-0abc…: one instance
  let i = session.length;
  let digits = 0;
  while (i > 0 && isAlnum(session.charCodeAt(i - 1))) {
    const c = session.charCodeAt(i - 1);
    if (c >= 48 && c <= 57) digits++;
    i--;
  }
  const tail = session.length - i;
  if (i === 0) return digits === tail && tail >= GENERATED_TAIL_MIN;
  const sep = session.charCodeAt(i - 1);
  return (sep === 45 || sep === 95 || sep === 46) && tail >= GENERATED_TAIL_MIN && digits > 0;
}

/** The roles IAM Identity Center (AWS SSO) creates: their session name is the signed-in user's name, set by AWS. */
const SSO_ROLE = 'AWSReservedSSO_';
/** The baseline name of a person's Identity Center sessions: `aws-sso:<user>`. */
const SSO_PRINCIPAL = 'aws-sso:';

/**
 * The name a principal's baseline is kept under. A role session whose name a tool generates for each run
 * (Terraform under Atlantis, an SDK's default session name) is one principal with the role's other such sessions,
 * `arn:aws:sts::<account>:assumed-role/<role>/*`: each run gets new keys and a new name, and kept apart, every run
 * would be a stranger with no baseline, its routine changes "never made before". An IAM Identity Center session
 * named by an e-mail address is that person's AWS work, whatever the account and permission set
 * (`…:assumed-role/AWSReservedSSO_PowerUser_4f4d…/alice@example.com` is `aws-sso:alice@example.com`): one engineer
 * signs in to several accounts from the same laptop and VPN, and a baseline per account made each account's first
 * session a stranger's. It stays apart from the identity provider's own log of the person (Okta names her
 * `alice@example.com` too): her browser sign-ins there would make her AWS CLI look like a script taking over an
 * always-interactive credential. Only Identity Center's roles: AWS sets their session name
 * to the user's, whereas any other role's session name is the caller's choice. Every other principal is kept as it
 * is. Alerts still name the principal as logged.
 *
 * @example
 * ```ts
 * principalKey('arn:aws:sts::111122223333:assumed-role/terraform/atlantis-2c34125e'); // '…assumed-role/terraform/*'
 * principalKey('arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com'); // unchanged
 * principalKey('arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_4f4d/Alice@example.com'); // 'alice@example.com'
 * ```
 */
export function principalKey(principal: string): string;
export function principalKey(principal: string | undefined): string | undefined;
export function principalKey(principal: string | undefined): string | undefined {
  if (principal === undefined || principal.charCodeAt(0) !== 97 || !principal.startsWith('arn:aws:sts:')) return principal;
  const at = principal.indexOf(ASSUMED_ROLE);
  if (at < 0) return principal;
  const slash = principal.lastIndexOf('/');
  if (slash <= at + ASSUMED_ROLE.length) return principal;
  if (principal.startsWith(SSO_ROLE, at + ASSUMED_ROLE.length) && principal.indexOf('@', slash) > slash + 1)
    return `${SSO_PRINCIPAL}${principal.slice(slash + 1).toLowerCase()}`;
  return isGeneratedSessionName(principal.slice(slash + 1)) ? `${principal.slice(0, slash + 1)}*` : principal;
}
