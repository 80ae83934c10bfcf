import { fail, SignetError } from './errors.ts'
import { MAX_NONCE_LENGTH } from './options.ts'
import type { VerifyContext } from './schemes/types.ts'

/**
 * The checks every scheme's verifier runs once the MAC is good: freshness, coverage and replay.
 * Shared so that every scheme reports them with the same codes and wording.
 */

/**
 * `created` (unix seconds) must be no more than `clockSkewSeconds` in the future and no older than
 * `maxAgeSeconds` (+ skew); `expires`, when given, must not have passed (− skew). RFC 9421 §3.2.1.
 */
export function checkFreshness(ctx: Pick<VerifyContext, 'nowMs' | 'maxAgeSeconds' | 'clockSkewSeconds'>, created: number | undefined, expires?: number, component = 'created'): void {
  const now = ctx.nowMs / 1000
  const skew = ctx.clockSkewSeconds
  if (created !== undefined) {
    if (created > now + skew) {
      fail('not_yet_valid', `the signature was created ${Math.round(created - now)} s in the future (allowed clock skew ${skew} s); check the signer's clock`, {
        component,
        expected: `<= ${Math.floor(now + skew)}`,
        received: String(created),
      })
    }
    if (now - created > ctx.maxAgeSeconds + skew) {
      fail('expired', `the signature is ${Math.round(now - created)} s old, older than maxAgeSeconds (${ctx.maxAgeSeconds} s) + skew (${skew} s)`, {
        component,
        expected: `>= ${Math.ceil(now - ctx.maxAgeSeconds - skew)}`,
        received: String(created),
      })
    }
  }
  if (expires !== undefined && now - skew > expires) {
    fail('expired', `the signature expired ${Math.round(now - expires)} s ago`, { component: 'expires', expected: `>= ${Math.floor(now - skew)}`, received: String(expires) })
  }
}

/**
 * Every entry of `required` must be satisfied by one of `covered`: by default the same name; a
 * scheme may pass its own rule (RFC 9421 lets `"signature";req;key="sig1"` satisfy `"signature";req`).
 */
export function checkCoverage<T>(
  covered: readonly T[],
  required: readonly T[] | undefined,
  scheme: string,
  show: (item: T) => string = String,
  satisfies: (covered: T, required: T) => boolean = Object.is,
): void {
  if (!required) return
  const missing = required.filter((r) => !covered.some((c) => satisfies(c, r)))
  if (missing.length > 0) {
    fail('insufficient_coverage', `${scheme}: the signature does not cover ${missing.map((m) => JSON.stringify(show(m))).join(', ')}`, {
      component: show(missing[0]!),
      expected: required.map(show).join(' '),
      received: covered.map(show).join(' '),
    })
  }
}

/**
 * Records the nonce (scoped by key id) until the end of its freshness window; `replayed` when it
 * was seen before. With a replay store configured, a signature without a nonce cannot be
 * protected and is refused (`insufficient_coverage`), and so is a nonce longer than
 * {@link MAX_NONCE_LENGTH} (`malformed_signature`). Store failures fail closed.
 */
export function checkReplay(ctx: Pick<VerifyContext, 'replayStore' | 'nowMs' | 'maxAgeSeconds' | 'clockSkewSeconds'>, keyId: string, nonce: string | undefined, createdSeconds: number | undefined): void | Promise<void> {
  const store = ctx.replayStore
  if (!store) return
  if (nonce === undefined || nonce === '') {
    fail('insufficient_coverage', 'a replay store is configured but the signature has no nonce, so a replay could not be detected', { component: 'nonce', keyId })
  }
  // The store keeps what it is given until the window ends: a bounded count of bounded entries.
  if (nonce.length > MAX_NONCE_LENGTH) {
    fail('malformed_signature', `the nonce is ${nonce.length} characters long, over the ${MAX_NONCE_LENGTH} limit of a replay store`, { component: 'nonce', keyId })
  }
  const windowEnd = ((createdSeconds ?? ctx.nowMs / 1000) + ctx.maxAgeSeconds + 2 * ctx.clockSkewSeconds) * 1000
  let answer: boolean | Promise<boolean>
  try {
    answer = store.checkAndStore(`${keyId}\u0000${nonce}`, Math.max(windowEnd, ctx.nowMs + 1000), ctx.nowMs)
  } catch (err) {
    return storeFailed(err, keyId)
  }
  // A synchronous store (memoryReplayStore) is answered without a microtask turn; an async one (Redis) is awaited.
  if (typeof answer === 'boolean') return replayAnswer(answer, nonce, keyId)
  return Promise.resolve(answer).then(
    (fresh) => replayAnswer(fresh, nonce, keyId),
    (err: unknown) => storeFailed(err, keyId),
  )
}

function replayAnswer(fresh: unknown, nonce: string, keyId: string): void {
  if (!fresh) fail('replayed', `nonce ${JSON.stringify(nonce.slice(0, 64))} was already used with key ${JSON.stringify(keyId)}`, { component: 'nonce', keyId })
}

function storeFailed(err: unknown, keyId: string): never {
  if (err instanceof SignetError) throw err
  return fail('replay_store_unavailable', 'the replay store failed, so the request is refused (fail closed)', { component: 'nonce', keyId }, err)
}
