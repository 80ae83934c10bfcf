/**
 * @signet/core: isomorphic HMAC request signing and verification.
 *
 * Every public export is listed here by name; `test/api-surface.test.ts` snapshots this list so
 * that a change to the public API is always deliberate.
 * @packageDocumentation
 */
export { signRequest, signResponse } from './sign.ts'
export type { SignOptions, SignResponseOptions } from './sign.ts'
export { verifyRequest, verifyResponse } from './verify.ts'
export type { VerifyOptions, VerifyResponseOptions } from './verify.ts'
export { rfc9421, signatureBase } from './schemes/rfc9421/index.ts'
export type { Rfc9421Options } from './schemes/rfc9421/index.ts'
export { sigv4, presignRequest, withSignedQuery, splitSigV4Base } from './schemes/sigv4/index.ts'
export type { SigV4Options, PresignOptions } from './schemes/sigv4/index.ts'
export { customScheme } from './schemes/custom.ts'
export type {
  CustomSchemeDefinition,
  CustomResponseDefinition,
  CustomSchemePart,
  FunctionPart,
  FunctionPartInput,
  TimestampFormat,
  TimestampFormatName,
  CustomMac,
  SignatureOutput,
} from './schemes/custom.ts'
export { authorizationContentHmac } from './schemes/authorization-content-hmac.ts'
export type { AuthorizationContentHmacOptions } from './schemes/authorization-content-hmac.ts'
export { djangoHmac } from './schemes/django-hmac.ts'
export type { DjangoHmacOptions } from './schemes/django-hmac.ts'
export { pipeCanonical } from './schemes/pipe-canonical.ts'
export type { PipeCanonicalOptions } from './schemes/pipe-canonical.ts'
export { aspnetWebApiHmac, aspnetEnUsTimestamp } from './schemes/aspnet-webapi-hmac.ts'
export type { AspNetWebApiHmacOptions } from './schemes/aspnet-webapi-hmac.ts'
export { bodyNonceHmac } from './schemes/body-nonce-hmac.ts'
export type { BodyNonceHmacOptions } from './schemes/body-nonce-hmac.ts'
export { canonicalPythonJson } from './canonicalize/python-json.ts'
export type { ContentDigestAlgorithm } from './schemes/rfc9421/digest.ts'
export type { Scheme, SignResult, Verified, SignContext, VerifyContext, ResponseSignContext, ResponseVerifyContext } from './schemes/types.ts'
export { memoryReplayStore } from './replay.ts'
export type { ReplayStore, MemoryReplayStoreOptions } from './replay.ts'
export { SignetError, isSignetError } from './errors.ts'
export type { SignetErrorCode, SignetErrorDetails } from './errors.ts'
export { resolveKey } from './keys.ts'
export type { SigningKey, KeyLookup, VerifyKeys, ResolvedKey } from './keys.ts'
export { cachedKeyLookup } from './key-cache.ts'
export type { CachedKeyLookup, CachedKeyLookupOptions } from './key-cache.ts'
export { normalizeRequest, normalizeResponse, serializeFormData } from './message.ts'
export type { MessageRequest, MessageResponse, BodyInit_ as MessageBody, HeadersInput, NormalizedRequest, NormalizedResponse, NormalizedMessage, BodySource, HeaderMap } from './message.ts'
export type { BodyReader } from './body.ts'
export { clockOffsetFromDate } from './clock.ts'
export type { ClockOptions } from './clock.ts'
export type { CryptoBackend, HashAlgorithm, KeyMaterial, IncrementalDigest, MaybePromise } from './crypto/backend.ts'
export type { Encoding } from './canonicalize/encoding.ts'
export { webCryptoBackend } from './crypto/webcrypto.ts'
/** The @noble/hashes backend (pure JavaScript), loaded on first use so that it stays out of bundles that never need it. */
export { lazyNobleBackend as nobleBackend } from './crypto/lazy-noble.ts'
export { timingSafeEqual } from './crypto/equal.ts'
