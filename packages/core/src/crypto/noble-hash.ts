import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js'
import type { CHash } from '@noble/hashes/utils.js'
import type { HashAlgorithm, IncrementalDigest } from './backend.ts'
import { assertHash, readOnceDigest } from './hash.ts'

/**
 * The @noble/hashes SHA-2 functions, alone: what the WebCrypto backend loads lazily for
 * incremental hashing (WebCrypto has no incremental hash), and what the noble backend builds on.
 */
export type NobleHash = CHash

/** The noble hash function for `hash`. */
export function nobleHash(hash: HashAlgorithm): NobleHash {
  assertHash(hash)
  return hash === 'sha256' ? sha256 : hash === 'sha384' ? sha384 : sha512
}

/** An incremental noble hash: constant memory, synchronous. */
export function createNobleDigest(hash: HashAlgorithm): IncrementalDigest {
  const h = nobleHash(hash).create()
  return readOnceDigest(
    (chunk) => {
      h.update(chunk)
    },
    () => h.digest(),
  )
}
