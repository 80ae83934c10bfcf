import type { HashAlgorithm } from '../crypto/backend.ts'
import { fail } from '../errors.ts'
import type { SigningKey } from '../keys.ts'
import { invalidKey, utf8 } from './util.ts'

/**
 * HMAC and SHA-2 for the lite signer: WebCrypto (`crypto.subtle`: Node, Deno, Bun, and browsers
 * in secure contexts), else @noble/hashes, loaded through `import()` on first use so that bundlers
 * emit it as a separate chunk that only pages without `crypto.subtle` download.
 */

/** A secret, held once: its bytes (for noble) or the caller's CryptoKey, and its WebCrypto imports per hash. */
interface Secret {
  bytes?: Uint8Array
  cryptoKey?: CryptoKey
  imported: Partial<Record<HashAlgorithm, Promise<CryptoKey>>>
}

/** A validated key. */
export interface LiteKey {
  id: string
  algorithm: HashAlgorithm
  secret: Secret
}

const SUBTLE_HASH = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' } as const

// By secret: its string value, or the identity of a Uint8Array or CryptoKey, so that keys rebuilt
// per call as object literals are still imported once. Bounded, oldest first out.
const secrets = new Map<unknown, Secret>()

/** Validates a key as core's `resolveKey` does (same codes); its secret's imports are cached. */
export function liteKey(key: SigningKey): LiteKey {
  const { id, secret, algorithm = 'sha256' } = typeof key === 'object' && key ? key : invalidKey('key must be { id, secret }')
  if (typeof id !== 'string' || !id) invalidKey('key id must be a non-empty string')
  if (!Object.hasOwn(SUBTLE_HASH, algorithm)) fail('unsupported_algorithm', `key ${id}: algorithm must be sha256, sha384 or sha512`, { keyId: id })
  let held = secrets.get(secret)
  if (!held) {
    const bytes = typeof secret === 'string' ? utf8(secret) : secret instanceof Uint8Array ? secret.slice() : undefined
    const isKey = typeof CryptoKey !== 'undefined' && secret instanceof CryptoKey && secret.algorithm.name === 'HMAC'
    // Bytes are copied once: a caller changing its array later does not change the key.
    if (!bytes?.length && !isKey) invalidKey(`key ${id}: secret must be a non-empty string, Uint8Array or HMAC CryptoKey`, id)
    held = { bytes, cryptoKey: isKey ? secret : undefined, imported: {} }
    secrets.set(secret, held)
    if (secrets.size > 256) secrets.delete(secrets.keys().next().value)
  }
  return { id, algorithm, secret: held }
}

type Noble = typeof import('./noble.ts')
let noble: Promise<Noble> | undefined

/** `crypto.subtle`, read per call: a page may lack it (insecure context). */
const subtle = (): SubtleCrypto | undefined => globalThis.crypto?.subtle

/** @noble/hashes, on first use; a failed load is retried by the next call. */
function loadNoble(): Promise<Noble> {
  return (noble ??= import('./noble.ts').catch((err: unknown) => {
    noble = undefined
    return fail('crypto_unavailable', 'no crypto.subtle, and @noble/hashes did not load', {}, err)
  }))
}

/** HMAC-`key.algorithm` of `data`. */
export async function hmac({ id, algorithm, secret }: LiteKey, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const api = subtle()
  const hash = SUBTLE_HASH[algorithm]
  const own = secret.cryptoKey
  // A CryptoKey for another hash would be used silently by WebCrypto, with its own hash.
  if (own && ((own.algorithm as HmacKeyAlgorithm).hash.name !== hash || !own.usages.includes('sign') || !api)) invalidKey(`key ${id}: the CryptoKey cannot sign HMAC ${hash} here`, id)
  if (!api) return (await loadNoble()).nobleHmac(algorithm, secret.bytes!, data)
  // Imported once per secret and hash, non-extractable: the secret cannot be read back from it.
  const cryptoKey = own ?? (secret.imported[algorithm] ??= api.importKey('raw', secret.bytes as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash }, false, ['sign']))
  return new Uint8Array(await api.sign('HMAC', await cryptoKey, data))
}

/** SHA-2 digest of `data`. */
export async function digest(hash: HashAlgorithm, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const api = subtle()
  return api ? new Uint8Array(await api.digest(SUBTLE_HASH[hash], data)) : (await loadNoble()).nobleDigest(hash, data)
}
