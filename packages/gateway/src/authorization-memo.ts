import { type PresentedCredential, readAuthorization } from './extract-credential.js';
import { tailFingerprint } from './tail-fingerprint.js';

/**
 * {@link readAuthorization} with a memory of recently seen header values: a client sends the same
 * `Authorization` text on every request, and reading it again (trim, scheme, token68 check over the
 * whole token) cost more than finding the earlier answer. A hit is confirmed by comparing the whole
 * header text, and the answer is a pure function of that text, so a hit is exactly what reading it
 * again would give (answers are frozen: requests share them). Bounded (cleared when full), and
 * oversized values are never kept.
 *
 * @example
 * ```ts
 * const memo = new AuthorizationMemo();
 * memo.read('Bearer abc'); // { scheme: 'bearer', token: 'abc', via: 'authorization' }
 * ```
 */
export class AuthorizationMemo {
  private readonly entries = new Map<number, { header: string; presented: PresentedCredential }>();

  /** What {@link readAuthorization} answers for `header`. */
  readonly read = (header: string): PresentedCredential => {
    const fingerprint = tailFingerprint(header);
    const known = this.entries.get(fingerprint);
    if (known !== undefined && known.header === header) return known.presented;
    const presented = Object.freeze(readAuthorization(header));
    if (header.length <= 4_096) {
      if (this.entries.size >= 2_048) this.entries.clear();
      this.entries.set(fingerprint, { header, presented });
    }
    return presented;
  };
}
