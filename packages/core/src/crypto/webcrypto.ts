import { SignetError, fail } from '../errors.ts'
import { HASH_LENGTH, type CryptoBackend, type HashAlgorithm, type IncrementalDigest, type KeyMaterial } from './backend.ts'
import { deferredDigest } from './deferred-digest.ts'
import { assertHash } from './hash.ts'
import { SUBTLE_HASH, bufferSource, checkCryptoKey, getSubtle } from './subtle.ts'

/**
 * The browser backend: `globalThis.crypto.subtle` (every method returns a promise).
 *
 * Byte keys are imported once per hash as non-extractable HMAC keys (usages `sign`, `verify`);
 * the import *promise* is cached in `key.imported` under `webcrypto:<hash>`, so concurrent first
 * calls share one import. Verification goes through `subtle.verify` (constant time).
 *
 * WebCrypto has no incremental hash, so `createDigest` uses @noble/hashes, loaded on first use
 * (`./noble-hash.ts`) so that it stays out of the way of pages that never hash a stream.
 *
 * When `crypto.subtle` is missing (an insecure browser context), the methods reject with
 * `crypto_unavailable`; use the noble backend there.
 */

const CACHE_ID: Readonly<Record<HashAlgorithm, string>> = {
  sha256: 'webcrypto:sha256',
  sha384: 'webcrypto:sha384',
  sha512: 'webcrypto:sha512',
}

/** The CryptoKey to use: the caller's own, or the cached import of the secret bytes. */
function cryptoKeyFor(key: KeyMaterial, hash: HashAlgorithm, usage: 'sign' | 'verify'): CryptoKey | Promise<CryptoKey> {
  assertHash(hash)
  if (key.cryptoKey !== undefined) return checkCryptoKey(key.cryptoKey, hash, usage)
  const id = CACHE_ID[hash]
  let pending = key.imported.get(id) as Promise<CryptoKey> | undefined
  if (pending === undefined) {
    const bytes = key.bytes
    if (bytes === undefined) fail('invalid_key', 'the key material has neither secret bytes nor a CryptoKey')
    const subtle = getSubtle()
    const imported: Promise<CryptoKey> = subtle
      .importKey('raw', bufferSource(bytes), { name: 'HMAC', hash: SUBTLE_HASH[hash] }, false, ['sign', 'verify'])
      .then(undefined, (err: unknown) => {
        // Forget the failure so that a later call may try again.
        if (key.imported.get(id) === imported) key.imported.delete(id)
        return fail('invalid_key', `WebCrypto could not import the secret as an HMAC ${SUBTLE_HASH[hash]} key`, {}, err)
      })
    pending = imported
    key.imported.set(id, pending)
  }
  return pending
}

type NobleHashModule = typeof import('./noble-hash.ts')
let nobleHashModule: NobleHashModule | undefined
let nobleHashLoading: Promise<NobleHashModule> | undefined

function loadNobleHash(): Promise<NobleHashModule> {
  nobleHashLoading ??= import('./noble-hash.ts').then(
    (m) => (nobleHashModule = m),
    (err: unknown) => {
      nobleHashLoading = undefined
      throw new SignetError('crypto_unavailable', 'could not load the incremental hash module (@noble/hashes)', {}, { cause: err })
    },
  )
  return nobleHashLoading
}

export const webCryptoBackend: CryptoBackend = {
  name: 'webcrypto',

  async hmac(key, hash, data) {
    const k = await cryptoKeyFor(key, hash, 'sign')
    return new Uint8Array(await getSubtle().sign('HMAC', k, bufferSource(data)))
  },

  async hmacVerify(key, hash, data, mac) {
    const k = await cryptoKeyFor(key, hash, 'verify')
    if (mac.byteLength !== HASH_LENGTH[hash]) return false
    return getSubtle().verify('HMAC', k, bufferSource(mac), bufferSource(data))
  },

  async digest(hash, data) {
    assertHash(hash)
    return new Uint8Array(await getSubtle().digest(SUBTLE_HASH[hash], bufferSource(data)))
  },

  createDigest(hash): IncrementalDigest {
    assertHash(hash)
    if (nobleHashModule) return nobleHashModule.createNobleDigest(hash)
    return deferredDigest(loadNobleHash().then((m) => m.createNobleDigest(hash)))
  },
}
