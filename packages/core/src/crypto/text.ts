import { toBase64, toHex, utf8 } from '../canonicalize/encoding.ts'
import type { CryptoBackend, HashAlgorithm, KeyMaterial, MaybePromise } from './backend.ts'

/**
 * MACs and hashes of strings (signature bases, canonical requests). A backend that can take a
 * string without a TextEncoder copy registers a text path here; it applies to that exact backend
 * object only, so a caller's wrapper or modified copy of it is always called through its own
 * hmac/hmacVerify/digest with the UTF-8 bytes.
 */
export interface TextPath {
  hmac(key: KeyMaterial, hash: HashAlgorithm, text: string): MaybePromise<Uint8Array>
  hmacVerify(key: KeyMaterial, hash: HashAlgorithm, text: string, mac: Uint8Array): MaybePromise<boolean>
  digest(hash: HashAlgorithm, text: string): MaybePromise<Uint8Array>
  /**
   * hmac/digest as lower-case hex or standard base64 text, for a backend that can produce the text
   * without a byte array in between (node:crypto's `digest(encoding)` returns it from C++).
   */
  hmacEncoded?(key: KeyMaterial, hash: HashAlgorithm, text: string, encoding: TextEncoding): MaybePromise<string>
  digestEncoded?(hash: HashAlgorithm, data: string | Uint8Array, encoding: TextEncoding): MaybePromise<string>
}

/** The encodings schemes put MACs and digests in: SigV4 uses hex, RFC 9421 and RFC 9530 base64. */
export type TextEncoding = 'hex' | 'base64'

const textPaths = new WeakMap<CryptoBackend, TextPath>()

export function registerTextPath(backend: CryptoBackend, path: TextPath): void {
  textPaths.set(backend, path)
}

/** HMAC of a string's UTF-8 bytes. */
export function hmacText(crypto: CryptoBackend, key: KeyMaterial, hash: HashAlgorithm, text: string): MaybePromise<Uint8Array> {
  const path = textPaths.get(crypto)
  return path ? path.hmac(key, hash, text) : crypto.hmac(key, hash, utf8.encode(text))
}

/** Constant-time check of an HMAC over a string's UTF-8 bytes. */
export function hmacVerifyText(crypto: CryptoBackend, key: KeyMaterial, hash: HashAlgorithm, text: string, mac: Uint8Array): MaybePromise<boolean> {
  const path = textPaths.get(crypto)
  return path ? path.hmacVerify(key, hash, text, mac) : crypto.hmacVerify(key, hash, utf8.encode(text), mac)
}

/** Hash of a string's UTF-8 bytes. */
export function digestText(crypto: CryptoBackend, hash: HashAlgorithm, text: string): MaybePromise<Uint8Array> {
  const path = textPaths.get(crypto)
  return path ? path.digest(hash, text) : crypto.digest(hash, utf8.encode(text))
}

function encoded(bytes: MaybePromise<Uint8Array>, encoding: TextEncoding): MaybePromise<string> {
  const as = encoding === 'hex' ? toHex : toBase64
  return bytes instanceof Uint8Array ? as(bytes) : bytes.then(as)
}

/** HMAC of a string's UTF-8 bytes, as hex or base64 text. */
export function hmacTextEncoded(crypto: CryptoBackend, key: KeyMaterial, hash: HashAlgorithm, text: string, encoding: TextEncoding): MaybePromise<string> {
  const path = textPaths.get(crypto)
  if (path?.hmacEncoded) return path.hmacEncoded(key, hash, text, encoding)
  return encoded(path ? path.hmac(key, hash, text) : crypto.hmac(key, hash, utf8.encode(text)), encoding)
}

/** Hash of a string's UTF-8 bytes, as hex or base64 text. */
export function digestTextEncoded(crypto: CryptoBackend, hash: HashAlgorithm, text: string, encoding: TextEncoding): MaybePromise<string> {
  const path = textPaths.get(crypto)
  if (path?.digestEncoded) return path.digestEncoded(hash, text, encoding)
  return encoded(path ? path.digest(hash, text) : crypto.digest(hash, utf8.encode(text)), encoding)
}

/** Hash of bytes (an in-memory body), as hex or base64 text. */
export function digestBytesEncoded(crypto: CryptoBackend, hash: HashAlgorithm, bytes: Uint8Array, encoding: TextEncoding): MaybePromise<string> {
  const path = textPaths.get(crypto)
  if (path?.digestEncoded) return path.digestEncoded(hash, bytes, encoding)
  return encoded(crypto.digest(hash, bytes), encoding)
}
