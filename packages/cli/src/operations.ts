import {
  isSignetError,
  signRequest,
  verifyRequest,
  verifyResponse,
  type MessageRequest,
  type MessageResponse,
  type SignetError,
  type SigningKey,
  type SignResult,
  type Verified,
} from '@signet/core'
import { fileBlob, Progress, PROGRESS_THRESHOLD, withProgress } from './body-file.ts'
import type { Io } from './io.ts'
import type { RequestSpec } from './request.ts'
import { declaredAlgorithm, declaredSignatureTime, type SchemeBuild, type SchemeName } from './schemes.ts'

/**
 * The operations the commands share: signing a request given as flags, and rebuilding the base a
 * verifier computes for a received message (with a stand-in key: the base never depends on the
 * secret, so explain and diff never need it).
 */

/** Stand-in secret for rebuilding bases: valid base64 text, so that djangoHmac can decode it. */
export const STAND_IN_SECRET = 'c2lnbmV0LWNsaS1zdGFuZC1pbi1rZXk='

export interface ProgressChoice {
  /** `--progress` forces it, `--no-progress` turns it off; otherwise on a TTY for bodies ≥ 16 MiB. */
  force: boolean | undefined
}

/** The body as the core should read it: a file-backed Blob (with progress) or bytes. */
export async function signingBody(io: Io, spec: RequestSpec, readsBody: boolean, progress: ProgressChoice): Promise<{ body: Blob | Uint8Array | undefined; done: () => void }> {
  const body = spec.body
  if (!body) return { body: undefined, done: () => {} }
  if (body.kind === 'bytes') return { body: body.bytes, done: () => {} }
  const blob = await fileBlob(body.path)
  const show = readsBody && (progress.force ?? (io.stderr.isTTY && body.size >= PROGRESS_THRESHOLD))
  if (!show) return { body: blob, done: () => {} }
  const bar = new Progress(io.stderr, `hashing ${body.path}`, body.size, io.now)
  let started = false
  return {
    body: withProgress(blob, (n) => {
      started = true
      bar.update(n)
    }),
    done: () => {
      if (started) bar.finish()
    },
  }
}

export interface SignSpecOptions {
  key: SigningKey
  build: SchemeBuild
  nowMs: number | undefined
  clockOffsetMs: number | undefined
  progress: ProgressChoice
}

/** Signs the request the flags describe. */
export async function signSpec(io: Io, spec: RequestSpec, options: SignSpecOptions): Promise<SignResult> {
  const { build } = options
  const { body, done } = await signingBody(io, spec, build.scheme.requestBody !== 'none', options.progress)
  const request: MessageRequest = { method: spec.method, url: spec.url.href, headers: spec.headers, body }
  const nonce = build.nonce
  const result = await signRequest(request, {
    key: options.key,
    scheme: build.scheme,
    ...(options.nowMs !== undefined ? { now: () => options.nowMs! } : {}),
    ...(options.clockOffsetMs !== undefined ? { clockOffsetMs: options.clockOffsetMs } : {}),
    ...(nonce !== undefined ? { nonce: () => nonce } : {}),
  })
  done()
  return result
}

export interface Rebuilt {
  /** The base the verifier computed (present unless verification stopped before building it). */
  base: string | undefined
  /** Set when the stand-in key happened to verify (never with a real secret elsewhere). */
  verified: Verified | undefined
  /** Why no base could be built. */
  error: SignetError | undefined
}

/** The base a verifier rebuilds from a received request (or response), freshness and coverage not judged. */
export async function rebuildBase(
  name: SchemeName,
  build: SchemeBuild,
  message: { kind: 'request'; request: MessageRequest } | { kind: 'response'; response: MessageResponse; request: MessageRequest | undefined },
  fallbackNowMs: number,
): Promise<Rebuilt> {
  const headers = new Map<string, string[]>()
  const input = message.kind === 'request' ? message.request.headers : message.response.headers
  for (const [n, v] of (input ?? []) as Iterable<[string, string]>) {
    const k = n.toLowerCase()
    headers.set(k, [...(headers.get(k) ?? []), v])
  }
  const url = message.kind === 'request' ? new URL(String(message.request.url)) : undefined
  const declared = declaredSignatureTime(name, headers, url)
  const algorithm = declaredAlgorithm(headers) ?? build.algorithm ?? 'sha256'
  const options = {
    keys: (id: string) => ({ id, secret: STAND_IN_SECRET, algorithm }),
    scheme: build.scheme,
    now: () => (declared !== undefined ? declared * 1000 : fallbackNowMs),
    maxAgeSeconds: 1e11,
    clockSkewSeconds: 1e11,
    required: [] as string[],
  }
  try {
    const verified = message.kind === 'request' ? await verifyRequest(message.request, options) : await verifyResponse(message.response, { ...options, ...(message.request ? { request: message.request } : {}) })
    return { base: verified.base, verified, error: undefined }
  } catch (err) {
    if (!isSignetError(err)) throw err
    const base = typeof err.details.base === 'string' ? err.details.base : undefined
    return { base, verified: undefined, error: base === undefined ? err : undefined }
  }
}
