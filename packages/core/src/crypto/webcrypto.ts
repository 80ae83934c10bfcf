import { utf8 } from '../canonicalize/encoding.ts'
import { SignetError, fail } from '../errors.ts'
import { HASH_LENGTH, type CryptoBackend, type HashAlgorithm, type IncrementalDigest, type KeyMaterial } from './backend.ts'
import { deferredDigest } from './deferred-digest.ts'
import { assertHash } from './hash.ts'
import { SUBTLE_HASH, bufferSource, checkCryptoKey, getSubtle } from './subtle.ts'
import { registerTextPath } from './text.ts'

/**
 * The browser backend: `globalThis.crypto.subtle` (every method returns a promise).
 *
 * Byte keys are imported once per hash as non-extractable HMAC keys (usages `sign`, `verify`);
 * `key.imported` holds, under `webcrypto:<hash>`, the import promise until it settles (so concurrent
 * first calls share one import), then the CryptoKey. Verification goes through `subtle.verify` (constant time).
 *
 * WebCrypto has no incremental hash, so `createDigest` runs JavaScript (`./noble-hash.ts`: our
 * SHA-256, @noble/hashes for SHA-384 and SHA-512), loaded on first use so that it stays out of the
 * way of pages that never hash a stream. That is 4–10× slower than `subtle.digest`,
 * so body.ts hashes Blob and stream bodies that fit `maxBufferedBodyBytes` in one `digest()` call.
 *
 * When `crypto.subtle` is missing (an insecure browser context), the methods reject with
 * `crypto_unavailable`; use the noble backend there.
 */

const CACHE_ID: Readonly<Record<HashAlgorithm, string>> = {
  sha256: 'webcrypto:sha256',
  sha384: 'webcrypto:sha384',
  sha512: 'webcrypto:sha512',
}

/**
 * The CryptoKey to use: the caller's own, or the import of the secret bytes. While the import is
 * running, `key.imported` holds its promise (concurrent first calls share it); once it settles,
 * the CryptoKey itself replaces the promise, so that every later call goes straight to
 * `subtle.sign` instead of first awaiting an already-settled promise (one more turn per request).
 */
function cryptoKeyFor(key: KeyMaterial, hash: HashAlgorithm, usage: 'sign' | 'verify'): CryptoKey | Promise<CryptoKey> {
  assertHash(hash)
  if (key.cryptoKey !== undefined) return checkCryptoKey(key.cryptoKey, hash, usage)
  const id = CACHE_ID[hash]
  const cached = key.imported.get(id) as CryptoKey | Promise<CryptoKey> | undefined
  if (cached !== undefined) return cached
  const bytes = key.bytes
  if (bytes === undefined) fail('invalid_key', 'the key material has neither secret bytes nor a CryptoKey')
  const subtle = getSubtle()
  const imported: Promise<CryptoKey> = subtle.importKey('raw', bufferSource(bytes), { name: 'HMAC', hash: SUBTLE_HASH[hash] }, false, ['sign', 'verify']).then(
    (k) => {
      if (key.imported.get(id) === imported) key.imported.set(id, k)
      return k
    },
    (err: unknown) => {
      // Forget the failure so that a later call may try again.
      if (key.imported.get(id) === imported) key.imported.delete(id)
      return fail('invalid_key', `WebCrypto could not import the secret as an HMAC ${SUBTLE_HASH[hash]} key`, {}, err)
    },
  )
  key.imported.set(id, imported)
  return imported
}

const toBytes = (buffer: ArrayBuffer): Uint8Array => new Uint8Array(buffer)

/**
 * Strings (signature bases, canonical requests) are UTF-8 encoded into a reused buffer instead of
 * `TextEncoder.encode`, whose fresh ArrayBuffer per call costs Chromium ~1 µs, a third of the
 * subtle.sign itself. WebCrypto copies its input when called (W3C WebCrypto: "get a copy of the
 * bytes held by the data parameter"), but a polyfilled `crypto.subtle` might read it later, so
 * the buffer is lent for one call and given back only when that call has succeeded; a call that
 * finds it lent (concurrent signatures) or too small encodes into a new one.
 */
let spare: Uint8Array | undefined

/**
 * `map(await call(bytes))` for bytes, or for the UTF-8 bytes of a string in a lent buffer (given
 * back in the same turn as `map`: no extra microtask). A synchronous throw becomes a rejection.
 */
function run<R, T>(input: Uint8Array | string, call: (bytes: Uint8Array) => Promise<R>, map: (result: R) => T): Promise<T> {
  try {
    if (typeof input !== 'string') return call(input).then(map)
    // UTF-8 takes at most 3 bytes per UTF-16 code unit; buffers over 64 KiB are not kept.
    const lent = spare !== undefined && spare.length >= input.length * 3 ? spare : new Uint8Array(Math.max(input.length * 3, 1024))
    spare = undefined
    return call(lent.subarray(0, utf8.encodeInto(input, lent).written)).then((result) => {
      if (lent.length <= 65536) spare = lent
      return map(result)
    })
  } catch (err) {
    return Promise.reject(err)
  }
}

/** `f(key)` with the CryptoKey, without waiting a turn when it is already imported. */
function withKey<T>(key: KeyMaterial, hash: HashAlgorithm, usage: 'sign' | 'verify', f: (k: CryptoKey) => Promise<T>): Promise<T> {
  try {
    const k = cryptoKeyFor(key, hash, usage)
    return k instanceof Promise ? k.then(f) : f(k)
  } catch (err) {
    return Promise.reject(err)
  }
}

// Not async functions: each `await` of a value already there, and the async wrapper's own promise,
// would add turns to what is one WebCrypto call. Each takes bytes, or a string (the text path).
const hmac = (key: KeyMaterial, hash: HashAlgorithm, input: Uint8Array | string): Promise<Uint8Array> =>
  withKey(key, hash, 'sign', (k) => run(input, (bytes) => getSubtle().sign('HMAC', k, bufferSource(bytes)), toBytes))

const hmacVerify = (key: KeyMaterial, hash: HashAlgorithm, input: Uint8Array | string, mac: Uint8Array): Promise<boolean> =>
  withKey(key, hash, 'verify', (k) =>
    mac.byteLength !== HASH_LENGTH[hash] ? Promise.resolve(false) : run(input, (bytes) => getSubtle().verify('HMAC', k, bufferSource(mac), bufferSource(bytes)), Boolean),
  )

const digest = (hash: HashAlgorithm, input: Uint8Array | string): Promise<Uint8Array> =>
  run(
    input,
    (bytes) => {
      assertHash(hash)
      return getSubtle().digest(SUBTLE_HASH[hash], bufferSource(bytes))
    },
    toBytes,
  )

type NobleHashModule = typeof import('./noble-hash.ts')
let nobleHashModule: NobleHashModule | undefined
let nobleHashLoading: Promise<NobleHashModule> | undefined

function loadNobleHash(): Promise<NobleHashModule> {
  nobleHashLoading ??= import('./noble-hash.ts').then(
    (m) => (nobleHashModule = m),
    (err: unknown) => {
      nobleHashLoading = undefined
      throw new SignetError('crypto_unavailable', 'could not load the incremental hash module', {}, { cause: err })
    },
  )
  return nobleHashLoading
}

export const webCryptoBackend: CryptoBackend = {
  name: 'webcrypto',

  hmac,
  hmacVerify,
  digest,

  createDigest(hash): IncrementalDigest {
    assertHash(hash)
    if (nobleHashModule) return nobleHashModule.createIncrementalDigest(hash)
    return deferredDigest(loadNobleHash().then((m) => m.createIncrementalDigest(hash)))
  },
}

registerTextPath(webCryptoBackend, { hmac, hmacVerify, digest })
