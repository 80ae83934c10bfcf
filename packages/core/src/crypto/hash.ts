import { fail } from '../errors.ts'
import type { HashAlgorithm, IncrementalDigest, MaybePromise } from './backend.ts'

/**
 * Small helpers shared by the backends: hash-name validation and the read-once rule of
 * {@link IncrementalDigest}. Nothing here touches a key.
 */

/** Throws `unsupported_algorithm` unless `hash` is one of the three hashes Signet implements. */
export function assertHash(hash: HashAlgorithm): void {
  if (hash !== 'sha256' && hash !== 'sha384' && hash !== 'sha512') {
    const received = typeof hash === 'string' ? JSON.stringify(hash) : typeof hash
    fail('unsupported_algorithm', `unsupported hash ${received}: expected "sha256", "sha384" or "sha512"`, {
      expected: 'sha256 | sha384 | sha512',
      received,
    })
  }
}

/**
 * Wraps a native incremental hash so that every backend behaves the same: `update()` after
 * `digest()`, or a second `digest()`, throws `invalid_input` instead of a runtime-specific error.
 */
export function readOnceDigest(update: (chunk: Uint8Array) => void, finish: () => MaybePromise<Uint8Array>): IncrementalDigest {
  let done = false
  return {
    update(chunk) {
      if (done) fail('invalid_input', 'update() called on an incremental digest that was already read')
      update(chunk)
    },
    digest() {
      if (done) fail('invalid_input', 'digest() called twice on the same incremental digest')
      done = true
      return finish()
    },
  }
}

