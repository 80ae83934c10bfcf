/**
 * Every failure Signet reports is a {@link SignetError} with one of these stable codes.
 * Codes never change meaning; new ones may be added.
 *
 * - `missing_signature`: the message carries no signature (or not the label/headers asked for).
 * - `malformed_signature`: signature headers exist but cannot be parsed.
 * - `unknown_key`: no key with the signature's key id.
 * - `signature_mismatch`: the MAC does not match the message.
 * - `digest_mismatch`: the body does not match its Content-Digest (or the scheme's body hash).
 * - `expired`: the signature is older than allowed, or past its `expires`.
 * - `not_yet_valid`: the signature was created in the future (beyond the allowed skew).
 * - `replayed`: the nonce was seen before.
 * - `insufficient_coverage`: the signature does not cover components the verifier requires.
 * - `invalid_key`: the key or secret cannot be used (empty, wrong type, not base64 where needed).
 * - `invalid_input`: the request, response or options are not usable (bad URL, bad header value…).
 * - `unsupported_algorithm`: a hash or signature algorithm Signet does not implement.
 * - `body_too_large`: a body that must be buffered exceeds the configured limit.
 * - `body_unusable`: a body was already read, or its stream is locked.
 * - `replay_store_unavailable`: the replay store could not be reached (verification fails closed).
 * - `crypto_unavailable`: no usable cryptography in this runtime.
 */
export type SignetErrorCode =
  | 'missing_signature'
  | 'malformed_signature'
  | 'unknown_key'
  | 'signature_mismatch'
  | 'digest_mismatch'
  | 'expired'
  | 'not_yet_valid'
  | 'replayed'
  | 'insufficient_coverage'
  | 'invalid_key'
  | 'invalid_input'
  | 'unsupported_algorithm'
  | 'body_too_large'
  | 'body_unusable'
  | 'replay_store_unavailable'
  | 'crypto_unavailable'

/** Extra, secret-free facts attached to a {@link SignetError} for diagnosis. */
export interface SignetErrorDetails {
  /** The component, header or option the failure is about (e.g. `"content-digest"`, `"@path"`). */
  component?: string
  /** What was expected, when it is safe to show (never a MAC computed with the key). */
  expected?: string
  /** What was received. */
  received?: string
  /** The signature label concerned. */
  label?: string
  /** The key id concerned. */
  keyId?: string
  /** The signature base the verifier rebuilt, to compare with the signer's. */
  base?: string
  /** HTTP status of the response concerned (set by the fetch/axios wrappers). */
  status?: number
  /** Headers of the response concerned (set by the fetch/axios wrappers). */
  headers?: Record<string, string>
  [extra: string]: unknown
}

/** The one error type Signet throws. Its `message` and `details` never contain a secret. */
export class SignetError extends Error {
  /** Stable, machine-readable reason. */
  readonly code: SignetErrorCode
  /** Secret-free facts for diagnosis. */
  readonly details: SignetErrorDetails

  constructor(code: SignetErrorCode, message: string, details: SignetErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'SignetError'
    this.code = code
    this.details = details
  }

  /** Plain data for logs: name, code, message and details (no stack, no cause). */
  toJSON(): { name: string; code: SignetErrorCode; message: string; details: SignetErrorDetails } {
    return { name: this.name, code: this.code, message: this.message, details: this.details }
  }
}

/** True when `value` is a {@link SignetError}, optionally with the given code. Works across bundle copies. */
export function isSignetError(value: unknown, code?: SignetErrorCode): value is SignetError {
  if (!(value instanceof Error) || value.name !== 'SignetError') return false
  const c = (value as { code?: unknown }).code
  return typeof c === 'string' && (code === undefined || c === code)
}

/** Internal shorthand. */
export function fail(code: SignetErrorCode, message: string, details?: SignetErrorDetails, cause?: unknown): never {
  throw new SignetError(code, message, details, cause === undefined ? undefined : { cause })
}
