import { fail } from '../../errors.ts'

/**
 * `SignResult.base` / `Verified.base` of SigV4: the canonical request, a blank line, then the
 * string to sign. The string to sign alone only shows a hash of the canonical request, and a
 * mismatch is nearly always found by comparing canonical requests (AWS error responses show both).
 */
export function sigv4Base(canonicalRequest: string, stringToSign: string): string {
  return `${canonicalRequest}\n\n${stringToSign}`
}

/** Splits a SigV4 `base` back into its parts: the string to sign is always its last four lines. */
export function splitSigV4Base(base: string): { canonicalRequest: string; stringToSign: string } {
  const lines = base.split('\n')
  if (lines.length < 6 || lines[lines.length - 5] !== '') {
    fail('invalid_input', 'not a SigV4 base: expected a canonical request, a blank line and a four-line string to sign', { component: 'base' })
  }
  return { canonicalRequest: lines.slice(0, -5).join('\n'), stringToSign: lines.slice(-4).join('\n') }
}
