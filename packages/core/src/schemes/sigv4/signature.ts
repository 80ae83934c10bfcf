import { fromHex } from '../../canonicalize/encoding.ts'
import { digestTextEncoded, hmacTextEncoded, hmacVerifyText } from '../../crypto/text.ts'
import type { CryptoBackend, KeyMaterial, MaybePromise } from '../../crypto/backend.ts'
import { fail } from '../../errors.ts'
import type { ResolvedKey } from '../../keys.ts'
import { secretBytes } from '../../keys.ts'
import { getSigningKey } from './signing-key.ts'
import { createStringToSign } from './string-to-sign.ts'

/** What the signature is computed over: the canonical request, its date and scope. */
export interface SignatureInput {
  readonly amzDate: string
  readonly region: string
  readonly service: string
  readonly scope: string
  readonly canonicalRequest: string
}

// The access key id ends up in `Credential=<id>/<scope>,`: no '/', ',', '=', ';' or whitespace.
const ACCESS_KEY_ID = /^[^\s/,;=]+$/

// Resolved keys are cached frozen objects (keys.ts): the last one checked need not be checked again.
let lastChecked: ResolvedKey | undefined

/** The key's secret bytes for SigV4, after checking the key fits the scheme. Throws `invalid_key`/`unsupported_algorithm`. */
export function sigv4Secret(key: ResolvedKey): Uint8Array {
  if (key !== lastChecked) {
    if (!ACCESS_KEY_ID.test(key.id)) {
      fail('invalid_key', `sigv4: key id ${JSON.stringify(key.id)} cannot be an access key id (it must not contain '/', ',', ';', '=' or spaces)`, { keyId: key.id })
    }
    if (key.algorithm !== 'sha256') {
      fail('unsupported_algorithm', `sigv4 signs with HMAC-SHA256 only; key ${JSON.stringify(key.id)} is set to ${key.algorithm}`, { keyId: key.id, expected: 'sha256', received: key.algorithm })
    }
    const bytes = secretBytes(key, 'sigv4')
    lastChecked = key
    return bytes
  }
  return key.material.bytes!
}

/**
 * Whether a backend answered with a promise. The node:crypto backend answers synchronously, and
 * awaiting a value that is already there still costs a microtask turn per step.
 */
export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function'
}

function stringToSignOf(input: SignatureInput, hash: string): string {
  return createStringToSign(input.amzDate, input.scope, hash)
}

function signingKey(crypto: CryptoBackend, secret: Uint8Array, input: SignatureInput): MaybePromise<KeyMaterial> {
  return getSigningKey(crypto, secret, input.amzDate.slice(0, 8), input.region, input.service)
}

/** The string to sign and the lower-case hex signature (synchronous when the backend is). */
export function computeSignature(crypto: CryptoBackend, secret: Uint8Array, input: SignatureInput): MaybePromise<{ stringToSign: string; signature: string }> {
  const hash = digestTextEncoded(crypto, 'sha256', input.canonicalRequest, 'hex')
  if (isPromise(hash)) return hash.then((h) => signWith(crypto, signingKey(crypto, secret, input), stringToSignOf(input, h)))
  return signWith(crypto, signingKey(crypto, secret, input), stringToSignOf(input, hash))
}

function signWith(crypto: CryptoBackend, key: MaybePromise<KeyMaterial>, stringToSign: string): MaybePromise<{ stringToSign: string; signature: string }> {
  if (isPromise(key)) return key.then((k) => signWith(crypto, k, stringToSign))
  const mac = hmacTextEncoded(crypto, key, 'sha256', stringToSign, 'hex')
  if (isPromise(mac)) return mac.then((signature) => ({ stringToSign, signature }))
  return { stringToSign, signature: mac }
}

/** The string to sign, and whether `signatureHex` is its HMAC, compared in constant time by the backend. */
export function checkSignature(crypto: CryptoBackend, secret: Uint8Array, input: SignatureInput, signatureHex: string): MaybePromise<{ stringToSign: string; valid: boolean }> {
  const hash = digestTextEncoded(crypto, 'sha256', input.canonicalRequest, 'hex')
  if (isPromise(hash)) return hash.then((h) => checkWith(crypto, signingKey(crypto, secret, input), stringToSignOf(input, h), signatureHex))
  return checkWith(crypto, signingKey(crypto, secret, input), stringToSignOf(input, hash), signatureHex)
}

function checkWith(crypto: CryptoBackend, key: MaybePromise<KeyMaterial>, stringToSign: string, signatureHex: string): MaybePromise<{ stringToSign: string; valid: boolean }> {
  if (isPromise(key)) return key.then((k) => checkWith(crypto, k, stringToSign, signatureHex))
  const mac = fromHex(signatureHex)
  if (mac === undefined) return { stringToSign, valid: false }
  const valid = hmacVerifyText(crypto, key, 'sha256', stringToSign, mac)
  if (isPromise(valid)) return valid.then((v) => ({ stringToSign, valid: v }))
  return { stringToSign, valid }
}
