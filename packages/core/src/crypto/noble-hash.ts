import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js'
import type { CHash } from '@noble/hashes/utils.js'
import type { HashAlgorithm, IncrementalDigest } from './backend.ts'
import { assertHash, readOnceDigest } from './hash.ts'
import { createSha256 } from './sha256.ts'

/**
 * The @noble/hashes SHA-2 functions, alone, and the incremental hashes in JavaScript: what the
 * WebCrypto backend loads lazily for incremental hashing (WebCrypto has no incremental hash), and
 * what the noble backend builds on.
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

/**
 * The fastest incremental hash in JavaScript for `hash`: ./sha256.ts for SHA-256 (~2.3× noble's
 * throughput in Chromium), noble for SHA-384 and SHA-512.
 */
export function createIncrementalDigest(hash: HashAlgorithm): IncrementalDigest {
  return hash === 'sha256' ? createSha256() : createNobleDigest(hash)
}
