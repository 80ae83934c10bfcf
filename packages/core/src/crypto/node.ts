import { createHash, createHmac, createSecretKey, timingSafeEqual, type BinaryToTextEncoding, type Hash, type KeyObject } from 'node:crypto'
import { toBase64, toHex, utf8 } from '../canonicalize/encoding.ts'
import { fail } from '../errors.ts'
import { registerTextPath } from './text.ts'
import { HASH_LENGTH, type CryptoBackend, type HashAlgorithm, type KeyMaterial } from './backend.ts'
import { assertHash, readOnceDigest } from './hash.ts'
import { subtleSign, subtleVerify } from './subtle.ts'

/**
 * The server backend: node:crypto, synchronous (Node 20+, Deno 2, Bun 1 all provide it).
 *
 * Byte keys are prepared once and cached in `key.imported` under `node:<hash>` (a `KeyObject`,
 * or on Deno the keyed hash states below); every method then answers synchronously (~2–3 µs per
 * HMAC on Node instead of ~100 µs for an awaited WebCrypto call). A key given only as a WebCrypto
 * `CryptoKey` cannot be used by node:crypto portably, so `hmac`/`hmacVerify` fall back to
 * `crypto.subtle` and return promises.
 */

const CACHE_ID: Readonly<Record<HashAlgorithm, string>> = { sha256: 'node:sha256', sha384: 'node:sha384', sha512: 'node:sha512' }

/**
 * HMAC from keyed inner and outer hash states (RFC 2104 §2: H(K ^ opad, H(K ^ ipad, text))),
 * computed once per key and copied per message. Used on Deno only, where `createHmac` costs about
 * twice a pair of `Hash.copy()` calls (Deno 2.9: ~9 µs against ~4.5 µs over a signature base); on
 * Node and Bun `createHmac` is as fast or faster (Node: the copies cost 12% more).
 */
const usePadStates = typeof (globalThis as { Deno?: unknown }).Deno === 'object'

interface PadStates {
  readonly inner: Hash
  readonly outer: Hash
}

type PreparedKey = KeyObject | PadStates

function padStates(hash: HashAlgorithm, bytes: Uint8Array): PadStates {
  // SHA-256 works on 64-byte blocks, SHA-384/512 on 128-byte ones; a longer key is hashed first (RFC 2104 §2).
  const block = hash === 'sha256' ? 64 : 128
  const k = new Uint8Array(block)
  k.set(bytes.byteLength > block ? createHash(hash).update(bytes).digest() : bytes)
  const ipad = new Uint8Array(block)
  const opad = new Uint8Array(block)
  for (let i = 0; i < block; i++) {
    ipad[i] = k[i]! ^ 0x36
    opad[i] = k[i]! ^ 0x5c
  }
  return { inner: createHash(hash).update(ipad), outer: createHash(hash).update(opad) }
}

/** The prepared byte key, cached; `undefined` when the key is a CryptoKey only. */
function prepared(key: KeyMaterial, hash: HashAlgorithm): PreparedKey | undefined {
  assertHash(hash)
  const id = CACHE_ID[hash]
  let k = key.imported.get(id) as PreparedKey | undefined
  if (k === undefined) {
    if (key.bytes === undefined) {
      if (key.cryptoKey === undefined) fail('invalid_key', 'the key material has neither secret bytes nor a CryptoKey')
      return undefined
    }
    k = usePadStates ? padStates(hash, key.bytes) : createSecretKey(key.bytes)
    key.imported.set(id, k)
  }
  return k
}

/** The HMAC of `data` (a string is UTF-8): `digest(encoding)` text, or a Buffer without an encoding. */
function mac(k: PreparedKey, hash: HashAlgorithm, data: Uint8Array | string): Buffer
function mac(k: PreparedKey, hash: HashAlgorithm, data: Uint8Array | string, encoding: BinaryToTextEncoding): string
function mac(k: PreparedKey, hash: HashAlgorithm, data: Uint8Array | string, encoding?: BinaryToTextEncoding): Buffer | string {
  const h = usePadStates
    ? (k as PadStates).outer.copy().update((k as PadStates).inner.copy().update(data as string).digest())
    : createHmac(hash, k as KeyObject).update(data as string)
  return encoding === undefined ? h.digest() : h.digest(encoding)
}

/** node:crypto returns Buffers; hand out plain Uint8Arrays that own exactly their bytes. */
function plain(buf: Uint8Array): Uint8Array {
  return buf.byteOffset === 0 && buf.buffer.byteLength === buf.byteLength
    ? new Uint8Array(buf.buffer, 0, buf.byteLength)
    : new Uint8Array(buf)
}

export const nodeBackend: CryptoBackend = {
  name: 'node',

  hmac(key, hash, data) {
    const k = prepared(key, hash)
    if (k === undefined) return subtleSign(key.cryptoKey!, hash, data)
    return plain(mac(k, hash, data))
  },

  hmacVerify(key, hash, data, received) {
    const k = prepared(key, hash)
    if (received.byteLength !== HASH_LENGTH[hash]) return false
    if (k === undefined) return subtleVerify(key.cryptoKey!, hash, data, received)
    return timingSafeEqual(mac(k, hash, data), received)
  },

  digest(hash, data) {
    assertHash(hash)
    return plain(createHash(hash).update(data).digest())
  },

  createDigest(hash) {
    assertHash(hash)
    const h = createHash(hash)
    return readOnceDigest(
      (chunk) => {
        h.update(chunk)
      },
      () => plain(h.digest()),
    )
  },
}

// node:crypto takes strings as they are: UTF-8 encoded natively (lone surrogates become U+FFFD,
// as with TextEncoder), without a copy into a JS Uint8Array. Registered for nodeBackend itself only.
registerTextPath(nodeBackend, {
  hmac(key, hash, text) {
    const k = prepared(key, hash)
    if (k === undefined) return subtleSign(key.cryptoKey!, hash, utf8.encode(text))
    return plain(mac(k, hash, text))
  },
  hmacVerify(key, hash, text, received) {
    const k = prepared(key, hash)
    if (received.byteLength !== HASH_LENGTH[hash]) return false
    if (k === undefined) return subtleVerify(key.cryptoKey!, hash, utf8.encode(text), received)
    // The expected MAC as a binary (latin1) string (one char per byte, no Buffer to allocate), compared
    // in constant time: every byte visited, differences OR-accumulated, no early exit.
    const expected = mac(k, hash, text, 'binary')
    let diff = 0
    for (let i = 0; i < received.length; i++) diff |= expected.charCodeAt(i) ^ received[i]!
    return diff === 0
  },
  digest(hash, text) {
    assertHash(hash)
    return plain(createHash(hash).update(text, 'utf8').digest())
  },
  // digest(encoding) returns the string from C++: no Buffer on an external ArrayBuffer to allocate
  // (~0.8 µs per call on Node 20, a third of an HMAC over a signature base).
  hmacEncoded(key, hash, text, encoding) {
    const k = prepared(key, hash)
    if (k === undefined) return subtleSign(key.cryptoKey!, hash, utf8.encode(text)).then(encoding === 'hex' ? toHex : toBase64)
    return mac(k, hash, text, encoding)
  },
  digestEncoded(hash, data, encoding) {
    assertHash(hash)
    return (typeof data === 'string' ? createHash(hash).update(data, 'utf8') : createHash(hash).update(data)).digest(encoding)
  },
})
