import type { BodyReader } from '../body.ts'
import type { CryptoBackend, HashAlgorithm } from '../crypto/backend.ts'
import type { ResolvedKey } from '../keys.ts'
import type { NormalizedRequest, NormalizedResponse } from '../message.ts'
import type { ReplayStore } from '../replay.ts'

/** What a signer hands back: the headers to add (lower-case names) and the exact string that was signed. */
export interface SignResult {
  headers: Record<string, string>
  /** The signature base / string to sign. Never contains the secret. */
  base: string
  /** Query parameters to add instead of (or besides) headers, for presigned-URL forms. */
  query?: Record<string, string>
  /**
   * The body to send instead of the caller's, when signing had to produce it: the bytes of a plain
   * `ReadableStream` (which can be read only once), or the multipart encoding of a `FormData`
   * (sent with the `content-type` in `headers`, whose boundary it contains).
   */
  body?: Uint8Array | Blob
}

/** What a successful verification tells. */
export interface Verified {
  /** Scheme name, e.g. `rfc9421`. */
  scheme: string
  keyId: string
  algorithm: HashAlgorithm
  /** Covered components, in the signer's order (RFC 9421 identifiers, or the scheme's part names). */
  covered: string[]
  /** RFC 9421 signature label. */
  label?: string
  /** Creation time, unix seconds. */
  created?: number
  /** Expiry, unix seconds. */
  expires?: number
  nonce?: string
  tag?: string
  /** The signature base the verifier rebuilt. */
  base: string
}

/** Everything a scheme needs to sign, resolved by `signRequest`/`signResponse`. */
export interface SignContext {
  key: ResolvedKey
  crypto: CryptoBackend
  /** Current time in ms, clock offset already applied. */
  nowMs: number
  /** Fresh nonce (CSPRNG by default). */
  nonce: () => string
  body: BodyReader
}

/** Everything a scheme needs to verify, resolved by `verifyRequest`/`verifyResponse`. */
export interface VerifyContext {
  /** Looks a key up by id; throws `unknown_key`. */
  key: (keyId: string) => Promise<ResolvedKey>
  crypto: CryptoBackend
  nowMs: number
  maxAgeSeconds: number
  clockSkewSeconds: number
  replayStore: ReplayStore | undefined
  /** Components the signature must cover (scheme-specific names). */
  required: readonly string[] | undefined
  body: BodyReader
}

/** Response signing also sees the request it answers (RFC 9421 §2.4 `;req`). */
export interface ResponseSignContext extends SignContext {
  request: NormalizedRequest | undefined
}
export interface ResponseVerifyContext extends VerifyContext {
  request: NormalizedRequest | undefined
}

/**
 * A signing scheme: plain data and functions. Build one with a preset (`rfc9421()`, `sigv4()`…)
 * or `customScheme()`. Canonicalization inside is pure and synchronous; only hashing is async.
 */
export interface Scheme {
  /** Short name used in errors and `Verified.scheme`. */
  readonly name: string
  /**
   * How the scheme uses a request body: `none` (never read), `digest` (hashed; Blob and streams
   * are hashed incrementally) or `bytes` (the whole body is needed, buffered up to the limit).
   */
  readonly requestBody: 'none' | 'digest' | 'bytes'
  /** The same for response bodies. */
  readonly responseBody: 'none' | 'digest' | 'bytes'
  signRequest(message: NormalizedRequest, ctx: SignContext): Promise<SignResult>
  verifyRequest(message: NormalizedRequest, ctx: VerifyContext): Promise<Verified>
  signResponse?(message: NormalizedResponse, ctx: ResponseSignContext): Promise<SignResult>
  verifyResponse?(message: NormalizedResponse, ctx: ResponseVerifyContext): Promise<Verified>
}
