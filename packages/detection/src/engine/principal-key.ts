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

/**
 * The name a principal's baseline is kept under. A role session whose name a tool generates for each run
 * (Terraform under Atlantis, an SDK's default session name) is one principal with the role's other such sessions,
 * `arn:aws:sts::<account>:assumed-role/<role>/*`: each run gets new keys and a new name, and kept apart, every run
 * would be a stranger with no baseline, its routine changes "never made before". Sessions named for a person or an
 * instance, and every other principal, are kept as they are. Alerts still name the principal as logged.
 *
 * @example
 * ```ts
 * principalKey('arn:aws:sts::111122223333:assumed-role/terraform/atlantis-2c34125e'); // '…assumed-role/terraform/*'
 * principalKey('arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com'); // unchanged
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
  return isGeneratedSessionName(principal.slice(slash + 1)) ? `${principal.slice(0, slash + 1)}*` : principal;
}
