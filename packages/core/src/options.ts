import type { CryptoBackend } from './crypto/backend.ts'
import { fail } from './errors.ts'
import type { ReplayStore } from './replay.ts'
import type { Scheme } from './schemes/types.ts'

/**
 * Checks of the options `signRequest`/`verifyRequest` (and their response twins) share, so that a
 * wrong type fails at once with `invalid_input` instead of a `TypeError` deep inside a scheme.
 */

/** Longest nonce Signet signs, or records in a replay store (a UUID is 36 characters, the default 22). */
export const MAX_NONCE_LENGTH = 256
// Printable ASCII: a nonce goes into a header (or an RFC 8941 string) as it is.
const NONCE = /^[\x20-\x7e]+$/

/** The scheme option: undefined (the default) or an object with the scheme methods. */
export function schemeOption(scheme: unknown, fallback: () => Scheme): Scheme {
  if (scheme === undefined) return fallback()
  if (scheme === null || typeof scheme !== 'object' || typeof (scheme as Scheme).signRequest !== 'function' || typeof (scheme as Scheme).verifyRequest !== 'function') {
    fail('invalid_input', `option "scheme" must be a scheme such as rfc9421() or sigv4({ … }), received ${describe(scheme)}`, { component: 'scheme' })
  }
  return scheme as Scheme
}

/** The crypto option: undefined (the default backend) or an object with the backend methods. */
export function cryptoOption(crypto: unknown, fallback: () => CryptoBackend): CryptoBackend {
  if (crypto === undefined) return fallback()
  const b = crypto as CryptoBackend
  if (
    crypto === null ||
    typeof crypto !== 'object' ||
    typeof b.hmac !== 'function' ||
    typeof b.hmacVerify !== 'function' ||
    typeof b.digest !== 'function' ||
    typeof b.createDigest !== 'function'
  ) {
    fail('invalid_input', `option "crypto" must be a crypto backend (webCryptoBackend, nobleBackend…), received ${describe(crypto)}`, { component: 'crypto' })
  }
  return b
}

/** The nonce option: undefined (the default generator) or a function; its results are checked on use. */
export function nonceOption(nonce: unknown, fallback: () => string): () => string {
  if (nonce !== undefined && typeof nonce !== 'function') fail('invalid_input', `option "nonce" must be a function returning a string, received ${describe(nonce)}`, { component: 'nonce' })
  // The built-in generator needs no checking; only a caller's does.
  if (nonce === undefined) return fallback
  const generate = nonce as () => unknown
  return () => {
    const value = generate()
    if (typeof value !== 'string' || value.length > MAX_NONCE_LENGTH || !NONCE.test(value)) {
      fail('invalid_input', `option "nonce" must return 1 to ${MAX_NONCE_LENGTH} printable ASCII characters, received ${typeof value === 'string' ? `a string of ${value.length} characters` : describe(value)}`, {
        component: 'nonce',
      })
    }
    return value
  }
}

/** The verifier's `required` option: undefined or an array of strings. */
export function requiredOption(required: unknown): readonly string[] | undefined {
  if (required === undefined) return undefined
  if (!Array.isArray(required) || !required.every((r) => typeof r === 'string')) {
    fail('invalid_input', `option "required" must be an array of component names, received ${describe(required)}`, { component: 'required' })
  }
  return required as readonly string[]
}

/** The verifier's `replayStore` option: undefined or an object with `checkAndStore`. */
export function replayStoreOption(store: unknown): ReplayStore | undefined {
  if (store === undefined) return undefined
  if (store === null || typeof store !== 'object' || typeof (store as ReplayStore).checkAndStore !== 'function') {
    fail('invalid_input', `option "replayStore" must be a replay store such as memoryReplayStore(), received ${describe(store)}`, { component: 'replayStore' })
  }
  return store as ReplayStore
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value
}
