import { hmac } from '@noble/hashes/hmac.js'
import { fail } from '../errors.ts'
import { HASH_LENGTH, type CryptoBackend, type HashAlgorithm, type KeyMaterial } from './backend.ts'
import { timingSafeEqual } from './equal.ts'
import { createIncrementalDigest, nobleHash } from './noble-hash.ts'

/**
 * The pure-JavaScript backend: @noble/hashes, synchronous, for runtimes without `crypto.subtle`
 * (browser pages in an insecure context). 10–20× slower than native hashing.
 *
 * Per key and hash, the keyed HMAC state (inner and outer hash after the padded key) is computed
 * once and cached in `key.imported` under `noble:<hash>`; each MAC clones it.
 */

type NobleHmac = ReturnType<typeof hmac.create>

const CACHE_ID: Readonly<Record<HashAlgorithm, string>> = { sha256: 'noble:sha256', sha384: 'noble:sha384', sha512: 'noble:sha512' }

function keyedState(key: KeyMaterial, hash: HashAlgorithm): NobleHmac {
  const fn = nobleHash(hash)
  const id = CACHE_ID[hash]
  let state = key.imported.get(id) as NobleHmac | undefined
  if (state === undefined) {
    if (key.bytes === undefined) {
      if (key.cryptoKey !== undefined) {
        fail(
          'invalid_key',
          'the noble backend needs the raw secret bytes, but this key is a CryptoKey (its bytes cannot be read); ' +
            'pass the secret as a string or Uint8Array, or use the WebCrypto backend',
        )
      }
      fail('invalid_key', 'the key material has neither secret bytes nor a CryptoKey')
    }
    state = hmac.create(fn, key.bytes)
    key.imported.set(id, state)
  }
  return state
}

function mac(key: KeyMaterial, hash: HashAlgorithm, data: Uint8Array): Uint8Array {
  return keyedState(key, hash).clone().update(data).digest()
}

export const nobleBackend: CryptoBackend = {
  name: 'noble',

  hmac: mac,

  hmacVerify(key, hash, data, expected) {
    const state = keyedState(key, hash)
    if (expected.byteLength !== HASH_LENGTH[hash]) return false
    return timingSafeEqual(state.clone().update(data).digest(), expected)
  },

  digest(hash, data) {
    return nobleHash(hash)(data)
  },

  createDigest: createIncrementalDigest,
}
