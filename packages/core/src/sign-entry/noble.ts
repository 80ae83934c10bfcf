import { hmac } from '@noble/hashes/hmac.js'
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js'
import type { HashAlgorithm } from '../crypto/backend.ts'

/**
 * The lite signer's fallback where `crypto.subtle` is missing (browser pages in an insecure
 * context). Reached only through `import()` from crypto.ts, so bundlers emit it as its own chunk.
 */
const HASH = { sha256, sha384, sha512 }

export const nobleHmac = (hash: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array => hmac(HASH[hash], key, data)

export const nobleDigest = (hash: HashAlgorithm, data: Uint8Array): Uint8Array => HASH[hash](data)
