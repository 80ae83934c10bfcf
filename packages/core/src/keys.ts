import type { HashAlgorithm, KeyMaterial } from './crypto/backend.ts'
import { fail } from './errors.ts'

/**
 * A shared secret with an id. A string secret means its UTF-8 bytes. A `CryptoKey` must be an
 * HMAC key usable for `sign` (and `verify` to verify); it works with the WebCrypto backend, and
 * with the node:crypto backend through WebCrypto.
 */
export interface SigningKey {
  /** Key id sent with the signature (RFC 9421 `keyid`); how verifiers find the secret. */
  id: string
  /** The shared secret: UTF-8 string, raw bytes, or an HMAC `CryptoKey`. */
  secret: string | Uint8Array | CryptoKey
  /** Hash of the HMAC. @default 'sha256' */
  algorithm?: HashAlgorithm
}

/** Finds a key by id: for rotation, return any key still accepted. `undefined` means unknown. */
export type KeyLookup = (keyId: string) => SigningKey | undefined | null | Promise<SigningKey | undefined | null>

/** Keys a verifier accepts: a list (several may be live during rotation) or a lookup. */
export type VerifyKeys = readonly SigningKey[] | KeyLookup

/** A validated key with its material, cached so it is imported once per backend. */
export interface ResolvedKey {
  readonly id: string
  readonly algorithm: HashAlgorithm
  readonly material: KeyMaterial
}

const ALGORITHMS: readonly HashAlgorithm[] = ['sha256', 'sha384', 'sha512']

const INSPECT = Symbol.for('nodejs.util.inspect.custom')

/**
 * The {@link KeyMaterial} Signet creates. It prints without its secret: `util.inspect` and
 * `console.log` in Node, Deno and Bun (`nodejs.util.inspect.custom`) and `JSON.stringify`
 * (`toJSON`) show the kind and size of the key, never its bytes or the backends' imported forms.
 */
class RedactedKeyMaterial implements KeyMaterial {
  declare readonly bytes?: Uint8Array
  declare readonly cryptoKey?: CryptoKey
  readonly imported = new Map<string, unknown>()

  constructor(init: { bytes: Uint8Array } | { cryptoKey: CryptoKey }) {
    if ('bytes' in init) (this as { bytes?: Uint8Array }).bytes = init.bytes
    else (this as { cryptoKey?: CryptoKey }).cryptoKey = init.cryptoKey
  }

  private describe(): string {
    return this.bytes ? `${this.bytes.byteLength} secret bytes` : 'a CryptoKey'
  }

  toJSON(): { secret: string } {
    return { secret: `[redacted: ${this.describe()}]` }
  }

  [INSPECT](): string {
    return `KeyMaterial { [redacted: ${this.describe()}] }`
  }
}

/** Key material for `bytes` (kept, not copied) or a `CryptoKey`, frozen, that never prints its secret. */
export function keyMaterial(init: { bytes: Uint8Array } | { cryptoKey: CryptoKey }): KeyMaterial {
  return Object.freeze(new RedactedKeyMaterial(init))
}

// Caches: by the caller's key object, and by the secret's own identity (bytes, CryptoKey) or
// value (strings), so that keys rebuilt per call as object literals are still imported once.
const byKeyObject = new WeakMap<SigningKey, ResolvedKey>()
const byObjectSecret = new WeakMap<object, KeyMaterial>()
const byStringSecret = new Map<string, KeyMaterial>()
/** Bound on cached string secrets, oldest evicted first. */
const MAX_STRING_SECRETS = 256
const encoder = new TextEncoder()

function isCryptoKey(v: unknown): v is CryptoKey {
  return typeof CryptoKey !== 'undefined' && v instanceof CryptoKey
}

function materialFor(secret: SigningKey['secret'], id: string): KeyMaterial {
  if (typeof secret === 'string') {
    if (secret.length === 0) fail('invalid_key', `key ${JSON.stringify(id)}: the secret is an empty string`, { keyId: id })
    let m = byStringSecret.get(secret)
    if (m) {
      byStringSecret.delete(secret)
      byStringSecret.set(secret, m)
      return m
    }
    m = keyMaterial({ bytes: encoder.encode(secret) })
    byStringSecret.set(secret, m)
    if (byStringSecret.size > MAX_STRING_SECRETS) byStringSecret.delete(byStringSecret.keys().next().value!)
    return m
  }
  if (secret instanceof Uint8Array) {
    if (secret.byteLength === 0) fail('invalid_key', `key ${JSON.stringify(id)}: the secret has no bytes`, { keyId: id })
    return cachedByObject(secret, () => keyMaterial({ bytes: secret.slice() }))
  }
  if (isCryptoKey(secret)) {
    if (secret.algorithm.name !== 'HMAC') {
      fail('invalid_key', `key ${JSON.stringify(id)}: the CryptoKey is for ${secret.algorithm.name}, expected HMAC`, { keyId: id, expected: 'HMAC', received: secret.algorithm.name })
    }
    return cachedByObject(secret, () => keyMaterial({ cryptoKey: secret }))
  }
  const received = secret === null ? 'null' : Array.isArray(secret) ? 'array' : typeof secret
  return fail('invalid_key', `key ${JSON.stringify(id)}: the secret must be a string, Uint8Array or CryptoKey, received ${received}`, { keyId: id, received })
}

function cachedByObject(secret: object, make: () => KeyMaterial): KeyMaterial {
  let m = byObjectSecret.get(secret)
  if (!m) {
    m = make()
    byObjectSecret.set(secret, m)
  }
  return m
}

/** Validates a {@link SigningKey} and returns its cached material. Throws `invalid_key`/`unsupported_algorithm`. */
export function resolveKey(key: SigningKey): ResolvedKey {
  if (key === null || typeof key !== 'object') fail('invalid_key', `a key must be an object { id, secret }, received ${key === null ? 'null' : typeof key}`)
  const cached = byKeyObject.get(key)
  if (cached && cached.id === key.id && cached.algorithm === (key.algorithm ?? 'sha256')) return cached
  const { id } = key
  if (typeof id !== 'string' || id.length === 0) fail('invalid_key', `a key needs a non-empty string id, received ${typeof id === 'string' ? 'an empty string' : typeof id}`)
  const algorithm = key.algorithm ?? 'sha256'
  if (!ALGORITHMS.includes(algorithm)) {
    fail('unsupported_algorithm', `key ${JSON.stringify(id)}: unknown algorithm ${JSON.stringify(String(algorithm))}, expected one of ${ALGORITHMS.join(', ')}`, {
      keyId: id,
      received: String(algorithm),
    })
  }
  const resolved: ResolvedKey = Object.freeze({ id, algorithm, material: materialFor(key.secret, id) })
  byKeyObject.set(key, resolved)
  return resolved
}

/** Finds the key for `keyId` among `keys`. Throws `unknown_key`. */
export async function lookupKey(keys: VerifyKeys, keyId: string): Promise<ResolvedKey> {
  let found: SigningKey | undefined | null
  if (typeof keys === 'function') found = await keys(keyId)
  else if (Array.isArray(keys)) found = keys.find((k) => k && k.id === keyId)
  else fail('invalid_input', `verify option "keys" must be an array of keys or a lookup function, received ${typeof keys}`, { component: 'keys' })
  if (!found) fail('unknown_key', `no key with id ${JSON.stringify(keyId)}`, { keyId })
  return resolveKey(found)
}

/** The secret's bytes, for schemes that must feed it to a plain hash. Throws `invalid_key` for a CryptoKey. */
export function secretBytes(key: ResolvedKey, scheme: string): Uint8Array {
  if (!key.material.bytes) {
    fail('invalid_key', `${scheme} hashes the secret itself, so it needs the secret as a string or bytes, not a CryptoKey`, { keyId: key.id })
  }
  return key.material.bytes
}
