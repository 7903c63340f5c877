import type { AsnKind } from '../../enriched-event.js';

/** ASN kinds in a fixed order so profiles can store a kind as one small integer (new kinds go last: snapshots keep codes). */
export const ASN_KIND_CODES: readonly AsnKind[] = [
  'unknown',
  'hosting',
  'vpn',
  'tor',
  'mobile',
  'residential',
  'business',
  'satellite',
  'security_proxy',
];

const CODE_OF = new Map<AsnKind, number>(ASN_KIND_CODES.map((k, i) => [k, i]));

/**
 * Integer code of an ASN kind (unknown kinds map to 0).
 *
 * @example
 * ```ts
 * asnKindCode('hosting'); // 1
 * ```
 */
export function asnKindCode(kind: AsnKind): number {
  return CODE_OF.get(kind) ?? 0;
}

/**
 * ASN kind of an integer code.
 *
 * @example
 * ```ts
 * asnKindFromCode(1); // 'hosting'
 * ```
 */
export function asnKindFromCode(code: number): AsnKind {
  return ASN_KIND_CODES[code] ?? 'unknown';
}
