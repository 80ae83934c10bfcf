import * as nodeCrypto from 'node:crypto'
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
 * Byte keys are prepared once and cached in `key.imported` under `node:<hash>` (`PreparedKey`);
 * every method then answers synchronously (~2–3 µs per HMAC on Node instead of ~100 µs for an
 * awaited WebCrypto call). A key given only as a WebCrypto `CryptoKey` cannot be used by
 * node:crypto portably, so `hmac`/`hmacVerify` fall back to `crypto.subtle` and return promises.
 */

const CACHE_ID: Readonly<Record<HashAlgorithm, string>> = { sha256: 'node:sha256', sha384: 'node:sha384', sha512: 'node:sha512' }

/**
 * The HMAC and hash primitives differ in speed between the runtimes that provide node:crypto, so
 * each uses its fastest (measured per call over a signature base and a 1 KiB body, paired):
 * - Node: `createHmac`, and the one-shot `crypto.hash()` for in-memory digests (`createHash` for
 *   incremental ones).
 * - Deno: its `createHmac` costs about twice a pair of `Hash.copy()` calls (~9 against ~4.5 µs on
 *   Deno 2.9), so HMACs come from keyed inner and outer hash states prepared once per key and copied
 *   per message (RFC 2104 §2: H(K ^ opad, H(K ^ ipad, text))). On Node those copies cost 12% more.
 * - Bun: its own `Bun.CryptoHasher`, keyed once and copied per message, is 2.2× `createHmac`, and
 *   `Bun.SHA256.hash` (and 384/512) 2.4× `createHash` on 1 KiB.
 */
interface BunHasher {
  update(data: string | Uint8Array): BunHasher
  copy(): BunHasher
  digest(): Uint8Array
  digest(encoding: BinaryToTextEncoding): string
}
interface BunHash {
  hash(data: string | Uint8Array): Uint8Array
  hash(data: string | Uint8Array, encoding: BinaryToTextEncoding): string
}
interface BunApi {
  CryptoHasher: new (algorithm: HashAlgorithm, key: Uint8Array) => BunHasher
  SHA256: BunHash
  SHA384: BunHash
  SHA512: BunHash
}

const bun = (globalThis as { Bun?: BunApi }).Bun
const onDeno = bun === undefined && typeof (globalThis as { Deno?: unknown }).Deno === 'object'
const bunHash: Readonly<Record<HashAlgorithm, BunHash>> | undefined = bun && { sha256: bun.SHA256, sha384: bun.SHA384, sha512: bun.SHA512 }

interface PadStates {
  readonly inner: Hash
  readonly outer: Hash
}

/** A byte key prepared for this runtime: a `KeyObject` (Node), pad states (Deno), a keyed hasher (Bun). */
type PreparedKey = KeyObject | PadStates | BunHasher

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
    k = bun ? new bun.CryptoHasher(hash, key.bytes) : onDeno ? padStates(hash, key.bytes) : createSecretKey(key.bytes)
    key.imported.set(id, k)
  }
  return k
}

/** The HMAC of `data` (a string is UTF-8): `digest(encoding)` text, or bytes without an encoding. */
function mac(k: PreparedKey, hash: HashAlgorithm, data: Uint8Array | string): Uint8Array
function mac(k: PreparedKey, hash: HashAlgorithm, data: Uint8Array | string, encoding: BinaryToTextEncoding): string
function mac(k: PreparedKey, hash: HashAlgorithm, data: Uint8Array | string, encoding?: BinaryToTextEncoding): Uint8Array | string {
  const h = bun
    ? (k as BunHasher).copy().update(data)
    : onDeno
      ? (k as PadStates).outer.copy().update((k as PadStates).inner.copy().update(data as string).digest())
      : createHmac(hash, k as KeyObject).update(data as string)
  return encoding === undefined ? h.digest() : h.digest(encoding)
}

// Node's one-shot crypto.hash() (20.12+; read off the namespace so that a runtime without it still
// loads) skips the Hash object: 0.2 against 0.6 µs for a short string, 0.9 against 1.3 µs for 1 KiB.
// Deno's is slower than its createHash, so Deno keeps that.
const oneShotHash = (nodeCrypto as { hash?: typeof nodeCrypto.hash }).hash
const oneShot = !bun && !onDeno && typeof oneShotHash === 'function' ? oneShotHash : undefined

/** The hash of `data` (a string is UTF-8) as text. */
function hashText(hash: HashAlgorithm, data: Uint8Array | string, encoding: BinaryToTextEncoding): string {
  if (bunHash) return bunHash[hash].hash(data, encoding)
  if (oneShot) return oneShot(hash, data, encoding)
  return createHash(hash).update(data as string).digest(encoding)
}

/** The hash of `data` (a string is UTF-8) as bytes. */
function hashBytes(hash: HashAlgorithm, data: Uint8Array | string): Uint8Array {
  if (bunHash) return bunHash[hash].hash(data)
  if (oneShot) return oneShot(hash, data, 'buffer')
  return createHash(hash).update(data as string).digest()
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
    return plain(hashBytes(hash, data))
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
    return plain(hashBytes(hash, text))
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
    return hashText(hash, data, encoding)
  },
})
