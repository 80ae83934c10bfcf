import { fail } from '../errors.ts'
import type { HashAlgorithm } from './backend.ts'

/**
 * WebCrypto plumbing shared by the WebCrypto backend and the node:crypto backend's fallback for
 * keys given as a `CryptoKey`. No node:crypto here: the browser build imports this file.
 */

/** WebCrypto names of the hashes. */
export const SUBTLE_HASH: Readonly<Record<HashAlgorithm, 'SHA-256' | 'SHA-384' | 'SHA-512'>> = {
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
}

/** `globalThis.crypto.subtle`, or a `crypto_unavailable` error that says what to do instead. */
export function getSubtle(): SubtleCrypto {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle
  if (!subtle) {
    fail(
      'crypto_unavailable',
      'WebCrypto (crypto.subtle) is not available in this runtime. Browsers only provide it in secure contexts ' +
        '(https:// pages, or http://localhost); on an insecure page use the pure-JavaScript backend (nobleBackend).',
      { component: 'crypto.subtle' },
    )
  }
  return subtle
}

/**
 * Checks that a caller's `CryptoKey` can compute HMAC-`hash` for `usage`, and returns it.
 * WebCrypto would otherwise silently use the key's own hash, or fail with a bare DOMException.
 */
export function checkCryptoKey(key: CryptoKey, hash: HashAlgorithm, usage: 'sign' | 'verify'): CryptoKey {
  const alg = key.algorithm as Partial<HmacKeyAlgorithm>
  if (alg.name !== 'HMAC') {
    fail('invalid_key', `the CryptoKey is for ${String(alg.name)}, expected HMAC`, { expected: 'HMAC', received: String(alg.name) })
  }
  const keyHash = alg.hash?.name
  if (keyHash !== SUBTLE_HASH[hash]) {
    fail('invalid_key', `the CryptoKey was imported for HMAC with ${String(keyHash)}, but ${SUBTLE_HASH[hash]} is needed`, {
      expected: SUBTLE_HASH[hash],
      received: String(keyHash),
    })
  }
  if (!key.usages.includes(usage)) {
    fail('invalid_key', `the CryptoKey does not allow "${usage}" (its usages: ${key.usages.join(', ') || 'none'})`, {
      expected: usage,
      received: key.usages.join(','),
    })
  }
  return key
}

/** WebCrypto's view of our bytes (TS's BufferSource excludes SharedArrayBuffer-backed views). */
export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>
}

/** HMAC with a caller's CryptoKey, through WebCrypto. */
export async function subtleSign(key: CryptoKey, hash: HashAlgorithm, data: Uint8Array): Promise<Uint8Array> {
  const subtle = getSubtle()
  return new Uint8Array(await subtle.sign('HMAC', checkCryptoKey(key, hash, 'sign'), bufferSource(data)))
}

/** Constant-time HMAC check with a caller's CryptoKey, through WebCrypto (`mac` length already checked). */
export async function subtleVerify(key: CryptoKey, hash: HashAlgorithm, data: Uint8Array, mac: Uint8Array): Promise<boolean> {
  const subtle = getSubtle()
  return subtle.verify('HMAC', checkCryptoKey(key, hash, 'verify'), bufferSource(mac), bufferSource(data))
}
