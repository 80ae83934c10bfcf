import { toBase64 } from '../../canonicalize/encoding.ts'
import { parseDictionary, isInnerList } from '../../canonicalize/structured-fields.ts'
import { bodyDigestText, type BodyReader } from '../../body.ts'
import type { HashAlgorithm, MaybePromise } from '../../crypto/backend.ts'
import { timingSafeEqual, timingSafeEqualText } from '../../crypto/equal.ts'
import { fail } from '../../errors.ts'

/** RFC 9530 Content-Digest algorithms Signet computes and checks. */
export type ContentDigestAlgorithm = 'sha-256' | 'sha-512'

const HASH_OF: Record<ContentDigestAlgorithm, HashAlgorithm> = { 'sha-256': 'sha256', 'sha-512': 'sha512' }

/**
 * `sha-256=:<base64>:` over the exact body bytes (RFC 9530 §2); synchronous when the body is in
 * memory and the backend answers synchronously.
 */
export function contentDigest(body: BodyReader, algorithm: ContentDigestAlgorithm): MaybePromise<string> {
  const b64 = bodyDigestText(body, HASH_OF[algorithm], 'base64')
  return typeof b64 === 'string' ? `${algorithm}=:${b64}:` : b64.then((d) => `${algorithm}=:${d}:`)
}

/**
 * Checks a Content-Digest field against the body. Every supported algorithm present must match;
 * at least one must be present (RFC 9530 §2: unknown algorithms are ignored). Synchronous (no
 * promise) for the field {@link contentDigest} writes, over a body in memory, with a synchronous
 * backend.
 */
export function checkContentDigest(field: string, body: BodyReader): void | Promise<void> {
  // One algorithm, `alg=:<base64>:`, compared as text with the body's digest in the same encoding.
  // Any other form, and any difference (base64 written another way may still be the same bytes),
  // goes through the full check, which also reports the mismatch. Compared without an early exit,
  // as the full check does (a digest of a public body is no secret, but one rule is simpler to audit).
  const alg = field.startsWith('sha-256=:') ? 'sha-256' : field.startsWith('sha-512=:') ? 'sha-512' : undefined
  if (alg === undefined) return checkFields(field, body)
  const from = alg.length + 2 // past `<alg>=:`
  if (field.indexOf(':', from) !== field.length - 1) return checkFields(field, body)
  const claimed = field.slice(from, -1)
  const actual = bodyDigestText(body, HASH_OF[alg], 'base64')
  if (typeof actual === 'string') return timingSafeEqualText(actual, claimed) ? undefined : checkFields(field, body)
  return actual.then((a) => (timingSafeEqualText(a, claimed) ? undefined : checkFields(field, body)))
}

async function checkFields(field: string, body: BodyReader): Promise<void> {
  const dict = parseDictionary(field)
  const claims: [ContentDigestAlgorithm, Uint8Array][] = []
  for (const [alg, member] of dict) {
    if (!Object.hasOwn(HASH_OF, alg)) continue
    if (isInnerList(member) || !(member.value instanceof Uint8Array)) {
      fail('malformed_signature', `Content-Digest ${alg} must be a byte sequence (:base64:)`, { component: 'content-digest' })
    }
    claims.push([alg as ContentDigestAlgorithm, member.value])
  }
  if (claims.length === 0) {
    fail('unsupported_algorithm', `Content-Digest uses no algorithm Signet checks (have: ${[...dict.keys()].join(', ') || 'none'}; supported: sha-256, sha-512)`, {
      component: 'content-digest',
    })
  }
  // One pass over the body for every algorithm: a stream body can be read only once.
  const actual = await body.digests(claims.map(([alg]) => HASH_OF[alg]))
  claims.forEach(([alg, claimed], i) => {
    if (!timingSafeEqual(actual[i]!, claimed)) {
      fail('digest_mismatch', `the body does not match its Content-Digest (${alg}): the body was changed after signing, or the digest was computed over different bytes`, {
        component: 'content-digest',
        expected: `${alg}=:${toBase64(claimed)}:`,
        received: `${alg}=:${toBase64(actual[i]!)}:`,
      })
    }
  })
}
