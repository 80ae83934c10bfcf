import { utf8 } from '../canonicalize/encoding.ts'
import { SignetError, fail } from '../errors.ts'
import { HASH_LENGTH, type CryptoBackend, type HashAlgorithm, type IncrementalDigest, type KeyMaterial } from './backend.ts'
import { deferredDigest } from './deferred-digest.ts'
import { assertHash, registerOneShotDigest } from './hash.ts'
import { SUBTLE_HASH, bufferSource, checkCryptoKey, getSubtle } from './subtle.ts'
import { registerTextPath } from './text.ts'

/**
 * The browser backend: `globalThis.crypto.subtle` (every method returns a promise).
 *
 * Byte keys are imported once per hash as non-extractable HMAC keys (usages `sign`, `verify`);
 * `key.imported` holds, under `webcrypto:<hash>`, the import promise until it settles (so concurrent
 * first calls share one import), then the CryptoKey. Verification goes through `subtle.verify` (constant time).
 *
 * WebCrypto has no incremental hash, so `createDigest` runs JavaScript, loaded on first use so that
 * it stays out of the way of pages that never hash a stream: `./sha256.ts` for SHA-256, and
 * @noble/hashes (`./noble-hash.ts`) for SHA-384 and SHA-512. That is 4–10× slower than `subtle.digest`, so the backend registers itself as preferring one-shot digests:
 * body.ts then hashes Blob and stream bodies that fit `maxBufferedBodyBytes` in one `digest()` call.
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
 * the buffer is lent for one call and only given back once that call settles; a call that finds
 * it lent (concurrent signatures) encodes into a new one.
 */
let spare: Uint8Array | undefined
// Bigger buffers (bases of more than ~20k characters) are not kept.
const MAX_SPARE = 64 * 1024

/**
 * `map(await call(bytes))`, where `bytes` are the UTF-8 bytes of `text` in a buffer lent until
 * `call` settles (given back in the same turn as `map`: no extra microtask).
 */
function withUtf8<R, T>(text: string, call: (bytes: Uint8Array) => Promise<R>, map: (result: R) => T): Promise<T> {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units).
  const needed = text.length * 3
  let buffer = spare
  if (buffer !== undefined && buffer.length >= needed) spare = undefined
  else buffer = new Uint8Array(Math.max(needed, 1024))
  const lent = buffer
  const giveBack = (): void => {
    if (lent.length <= MAX_SPARE) spare = lent
  }
  let pending: Promise<R>
  try {
    pending = call(lent.subarray(0, utf8.encodeInto(text, lent).written))
  } catch (err) {
    giveBack()
    throw err
  }
  return pending.then(
    (result) => {
      giveBack()
      return map(result)
    },
    (err: unknown) => {
      giveBack()
      throw err
    },
  )
}

const same = <T>(value: T): T => value
const subtleSign = (k: CryptoKey, data: Uint8Array): Promise<ArrayBuffer> => getSubtle().sign('HMAC', k, bufferSource(data))
const subtleVerify = (k: CryptoKey, data: Uint8Array, mac: Uint8Array): Promise<boolean> => getSubtle().verify('HMAC', k, bufferSource(mac), bufferSource(data))
const subtleDigest = (hash: HashAlgorithm, data: Uint8Array): Promise<ArrayBuffer> => getSubtle().digest(SUBTLE_HASH[hash], bufferSource(data))

/** `f()`, with a synchronous throw (a bad hash or key) turned into a rejection: every method returns a promise. */
function rejecting<T>(f: () => Promise<T>): Promise<T> {
  try {
    return f()
  } catch (err) {
    return Promise.reject(err)
  }
}

/** A module loaded on first use; `loaded` is set once it is there, so later calls skip the promise. */
interface LazyModule<M> {
  loaded?: M
  load(): Promise<M>
}

function lazyModule<M>(importer: () => Promise<M>): LazyModule<M> {
  let loading: Promise<M> | undefined
  const lazy: LazyModule<M> = {
    load: () =>
      (loading ??= importer().then(
        (m) => (lazy.loaded = m),
        (err: unknown) => {
          loading = undefined
          throw new SignetError('crypto_unavailable', 'could not load the incremental hash module', {}, { cause: err })
        },
      )),
  }
  return lazy
}

// Separate chunks: SHA-256 bodies (the default of every scheme) never load @noble/hashes.
const sha256Module = lazyModule(() => import('./sha256.ts'))
const nobleHashModule = lazyModule(() => import('./noble-hash.ts'))

export const webCryptoBackend: CryptoBackend = {
  name: 'webcrypto',

  // Not async functions: each `await` of a value already there, and the async wrapper's own
  // promise, would add turns to what is one WebCrypto call.
  hmac(key, hash, data) {
    return rejecting(() => {
      const k = cryptoKeyFor(key, hash, 'sign')
      return k instanceof Promise ? k.then((resolved) => subtleSign(resolved, data).then(toBytes)) : subtleSign(k, data).then(toBytes)
    })
  },

  hmacVerify(key, hash, data, mac) {
    return rejecting(() => {
      const k = cryptoKeyFor(key, hash, 'verify')
      const check = (resolved: CryptoKey): Promise<boolean> => (mac.byteLength !== HASH_LENGTH[hash] ? Promise.resolve(false) : subtleVerify(resolved, data, mac))
      return k instanceof Promise ? k.then(check) : check(k)
    })
  },

  digest(hash, data) {
    return rejecting(() => {
      assertHash(hash)
      return subtleDigest(hash, data).then(toBytes)
    })
  },

  createDigest(hash): IncrementalDigest {
    assertHash(hash)
    if (hash === 'sha256') {
      if (sha256Module.loaded) return sha256Module.loaded.createSha256()
      return deferredDigest(sha256Module.load().then((m) => m.createSha256()))
    }
    if (nobleHashModule.loaded) return nobleHashModule.loaded.createNobleDigest(hash)
    return deferredDigest(nobleHashModule.load().then((m) => m.createNobleDigest(hash)))
  },
}

registerOneShotDigest(webCryptoBackend)

registerTextPath(webCryptoBackend, {
  hmac: (key, hash, text) =>
    rejecting(() => {
      const k = cryptoKeyFor(key, hash, 'sign')
      const sign = (resolved: CryptoKey): Promise<Uint8Array> => withUtf8(text, (bytes) => subtleSign(resolved, bytes), toBytes)
      return k instanceof Promise ? k.then(sign) : sign(k)
    }),
  hmacVerify: (key, hash, text, mac) =>
    rejecting(() => {
      const k = cryptoKeyFor(key, hash, 'verify')
      const check = (resolved: CryptoKey): Promise<boolean> =>
        mac.byteLength !== HASH_LENGTH[hash] ? Promise.resolve(false) : withUtf8(text, (bytes) => subtleVerify(resolved, bytes, mac), same)
      return k instanceof Promise ? k.then(check) : check(k)
    }),
  digest: (hash, text) =>
    rejecting(() => {
      assertHash(hash)
      return withUtf8(text, (bytes) => subtleDigest(hash, bytes), toBytes)
    }),
})
