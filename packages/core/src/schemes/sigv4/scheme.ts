import type { Scheme } from '../types.ts'
import { resolveSigV4Options, unsignedPayloadFor, type SigV4Options } from './options.ts'
import { signSigV4 } from './sign.ts'
import { verifySigV4 } from './verify.ts'

/**
 * AWS Signature Version 4 (`AWS4-HMAC-SHA256`), byte for byte: the Authorization header form, or
 * the presigned-URL form with `signQuery`. The key's `id` is the access key id and its secret the
 * secret access key (a string or bytes; not a `CryptoKey`, since SigV4 derives keys from it).
 *
 * Signing adds `authorization` and `x-amz-date` (plus `x-amz-security-token` and
 * `x-amz-content-sha256` when configured), or returns the `X-Amz-*` query parameters in
 * `SignResult.query`. `SignResult.base` / `Verified.base` is the canonical request, a blank line,
 * and the string to sign. Every header the request carries is signed except the hop-by-hop ones
 * (see {@link SigV4Options.unsignableHeaders}); `host` always is.
 *
 * Verification accepts either form and checks, besides the signature: the credential scope
 * (region and service), the X-Amz-Date freshness (`maxAgeSeconds` and `clockSkewSeconds`; for a
 * presigned URL its `X-Amz-Expires` instead), coverage (`host` and the verifier's `required`
 * header names), the body against `x-amz-content-sha256`, and, with a replay store, that the
 * same signature is not presented twice. `Verified.covered` is `@method`, `@path`, `@query` and
 * the signed header names.
 *
 * The request is taken as it will be sent: a `URL` has already resolved `.`/`..` segments and
 * encoded spaces (`/a b` is sent, and signed, as `/a%20b`, whose canonical URI is `/a%2520b`).
 * Query strings are read as `URLSearchParams` does: `+` is a space.
 */
export function sigv4(options: SigV4Options): Scheme {
  const config = resolveSigV4Options(options)
  return {
    name: 'sigv4',
    requestBody: unsignedPayloadFor(config, config.form) ? 'none' : 'digest',
    responseBody: 'none',
    signRequest: (message, ctx) => signSigV4(config, message, ctx),
    verifyRequest: (message, ctx) => verifySigV4(config, message, ctx),
  }
}
