/**
 * The one small contract every crypto backend implements (node:crypto, WebCrypto, @noble/hashes).
 *
 * Methods may answer synchronously: the node:crypto backend does, so that signing on a server
 * costs one resolved promise per request instead of one per crypto call (an awaited WebCrypto
 * call costs ~75–120 µs on Node, a node:crypto HMAC ~2–3 µs; see shared/design.md).
 */
export type HashAlgorithm = 'sha256' | 'sha384' | 'sha512'

export type MaybePromise<T> = T | Promise<T>

/**
 * Key material as the backends see it: raw bytes, or a caller's `CryptoKey` (WebCrypto only).
 * One `KeyMaterial` object lives as long as its key is cached (see keys.ts); backends keep the
 * imported form of the key in `imported`, so a key is imported once per backend and hash.
 */
export interface KeyMaterial {
  readonly bytes?: Uint8Array
  readonly cryptoKey?: CryptoKey
  /** Backend-private cache of imported keys, by `${backend}:${hash}`. Holds promises for async imports. */
  readonly imported: Map<string, unknown>
}

/** An incremental hash: feed chunks, then read the digest once. Constant memory. */
export interface IncrementalDigest {
  update(chunk: Uint8Array): void
  digest(): MaybePromise<Uint8Array>
}

export interface CryptoBackend {
  /** `node` (node:crypto), `webcrypto` (crypto.subtle) or `noble` (@noble/hashes). */
  readonly name: 'node' | 'webcrypto' | 'noble'
  /** HMAC_hash(key, data). */
  hmac(key: KeyMaterial, hash: HashAlgorithm, data: Uint8Array): MaybePromise<Uint8Array>
  /** Whether `mac` equals HMAC_hash(key, data), compared in constant time. False for a wrong-length mac. */
  hmacVerify(key: KeyMaterial, hash: HashAlgorithm, data: Uint8Array, mac: Uint8Array): MaybePromise<boolean>
  /** hash(data) in one call. */
  digest(hash: HashAlgorithm, data: Uint8Array): MaybePromise<Uint8Array>
  /** A hash fed chunk by chunk (Blob and stream bodies). */
  createDigest(hash: HashAlgorithm): IncrementalDigest
}

/** Output lengths in bytes, to reject truncated or overlong MACs before any crypto. */
export const HASH_LENGTH: Readonly<Record<HashAlgorithm, number>> = { sha256: 32, sha384: 48, sha512: 64 }
