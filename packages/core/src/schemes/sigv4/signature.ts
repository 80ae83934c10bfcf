import { fromHex, toHex } from '../../canonicalize/encoding.ts'
import { hmacText, hmacVerifyText } from '../../crypto/text.ts'
import type { CryptoBackend } from '../../crypto/backend.ts'
import { fail } from '../../errors.ts'
import type { ResolvedKey } from '../../keys.ts'
import { secretBytes } from '../../keys.ts'
import { createStringToSign } from './string-to-sign.ts'
import { getSigningKey } from './signing-key.ts'

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

/** The key's secret bytes for SigV4, after checking the key fits the scheme. Throws `invalid_key`/`unsupported_algorithm`. */
export function sigv4Secret(key: ResolvedKey): Uint8Array {
  if (!ACCESS_KEY_ID.test(key.id)) {
    fail('invalid_key', `sigv4: key id ${JSON.stringify(key.id)} cannot be an access key id (it must not contain '/', ',', ';', '=' or spaces)`, { keyId: key.id })
  }
  if (key.algorithm !== 'sha256') {
    fail('unsupported_algorithm', `sigv4 signs with HMAC-SHA256 only; key ${JSON.stringify(key.id)} is set to ${key.algorithm}`, { keyId: key.id, expected: 'sha256', received: key.algorithm })
  }
  return secretBytes(key, 'sigv4')
}

/** The string to sign and the lower-case hex signature. */
export async function computeSignature(crypto: CryptoBackend, secret: Uint8Array, input: SignatureInput): Promise<{ stringToSign: string; signature: string }> {
  const stringToSign = await createStringToSign(crypto, input.amzDate, input.scope, input.canonicalRequest)
  const signingKey = await getSigningKey(crypto, secret, input.amzDate.slice(0, 8), input.region, input.service)
  return { stringToSign, signature: toHex(await hmacText(crypto, signingKey, 'sha256', stringToSign)) }
}

/** The string to sign, and whether `signatureHex` is its HMAC, compared in constant time by the backend. */
export async function checkSignature(crypto: CryptoBackend, secret: Uint8Array, input: SignatureInput, signatureHex: string): Promise<{ stringToSign: string; valid: boolean }> {
  const stringToSign = await createStringToSign(crypto, input.amzDate, input.scope, input.canonicalRequest)
  const signingKey = await getSigningKey(crypto, secret, input.amzDate.slice(0, 8), input.region, input.service)
  const mac = fromHex(signatureHex)
  const valid = mac !== undefined && (await hmacVerifyText(crypto, signingKey, 'sha256', stringToSign, mac))
  return { stringToSign, valid }
}
