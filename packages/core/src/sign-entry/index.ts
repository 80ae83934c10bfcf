/**
 * @signet/core/sign: the small entry that signs one request with RFC 9421 (HMAC) and RFC 9530
 * Content-Digest through WebCrypto, for browser bundles that only sign. Its output is
 * byte-identical to the full entry's `signRequest` with `rfc9421()`; @noble/hashes is loaded only
 * where `crypto.subtle` is missing. `SignetError` is the same class as the full entry's.
 *
 * Every public export is listed here by name; `sign-entry/api-surface.test.ts` snapshots it.
 * @packageDocumentation
 */
export { signRequest } from './sign.ts'
export type { LiteSignOptions, LiteSignResult } from './sign.ts'
export { SignetError, isSignetError } from '../errors.ts'
export type { SignetErrorCode, SignetErrorDetails } from '../errors.ts'
export type { SigningKey } from '../keys.ts'
export type { ClockOptions } from '../clock.ts'
export type { MessageRequest, BodyInit_ as MessageBody, HeadersInput } from '../message.ts'
export type { ContentDigestAlgorithm } from '../schemes/rfc9421/digest.ts'
export type { HashAlgorithm } from '../crypto/backend.ts'
