/**
 * Constant-time byte comparison, for backends without a native one (noble).
 *
 * For equal lengths the time depends only on the length: every byte is visited, differences are
 * OR-accumulated, there is no early exit. Different lengths answer `false` at once (a MAC's length
 * is public). Views are indexed as views, so a `subarray` with a non-zero `byteOffset` compares
 * its own bytes, never the bytes around it in the shared buffer.
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length
  if (n !== b.length) return false
  let diff = 0
  for (let i = 0; i < n; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}

/** {@link timingSafeEqual} for strings, compared by UTF-16 code unit. */
export function timingSafeEqualText(a: string, b: string): boolean {
  const n = a.length
  if (n !== b.length) return false
  let diff = 0
  for (let i = 0; i < n; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}
