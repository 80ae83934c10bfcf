import { SignetError, verifyResponse, type BodyReader, type CryptoBackend, type HashAlgorithm, type IncrementalDigest, type Scheme } from '@signet/core'
import { discardBody, readLimited } from './read-body.ts'
import { rebuildResponse } from './response-facts.ts'
import { coreVerifyOptions, responseError, verifyBuffered, type VerificationContext } from './verify-response.ts'

/**
 * `mode: 'stream'`: the Response is handed over as soon as the scheme has checked everything but
 * the body (for rfc9421: the MAC over status, headers and Content-Digest, then it asks for the body
 * digest); the body is hashed as the caller reads it, and the stream errors instead of closing if
 * the final check (the digest) fails. Constant memory.
 *
 * How: core verifies with our {@link BodyReader} in place of its own (through a thin wrapper of
 * the scheme, which is how a scheme receives its body reader). The first `digest()` request is the
 * signal to hand over; it resolves once the caller has read the whole body.
 */

interface Deferred<T> {
  readonly promise: Promise<T>
  resolve(value: T): void
  reject(reason: unknown): void
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (reason: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  promise.catch(() => undefined)
  return { promise, resolve, reject }
}

/** Hashes the response's Content-Digest names (RFC 9530), so all of them are fed from the first byte. */
function announcedHashes(headers: Headers): HashAlgorithm[] {
  const field = headers.get('content-digest') ?? ''
  const out: HashAlgorithm[] = []
  for (const m of field.matchAll(/(?:^|,)\s*(sha-256|sha-512)\s*=/g)) out.push(m[1] === 'sha-256' ? 'sha256' : 'sha512')
  return out
}

const placeholder = new Uint8Array(0)

/** The response body, fed to incremental digests as the caller reads it. */
class BodyTap {
  private mode: 'idle' | 'stream' | 'buffer' = 'idle'
  private started = false
  private readonly digests = new Map<HashAlgorithm, IncrementalDigest>()
  private readonly end = deferred<void>()
  /** Resolves when the scheme first asks for a digest: everything else has been checked. */
  readonly streaming = deferred<void>()
  buffered: Promise<Uint8Array> | undefined

  constructor(
    private readonly source: ReadableStream<Uint8Array>,
    private readonly announced: readonly HashAlgorithm[],
    private readonly limit: number,
  ) {}

  /** The {@link BodyReader} handed to the scheme in place of core's. */
  reader(crypto: CryptoBackend): BodyReader {
    const results = new Map<HashAlgorithm, Promise<Uint8Array>>()
    const digest = (hash: HashAlgorithm): Promise<Uint8Array> => {
      let r = results.get(hash)
      if (!r) {
        r = this.digest(crypto, hash)
        results.set(hash, r)
      }
      return r
    }
    return {
      absent: false,
      digest,
      // Every digest is fed from the one pass over the body (see `digest` below).
      digests: (hashes) => Promise.all(hashes.map(digest)),
      bytes: () => {
        if (this.mode === 'stream') {
          return Promise.reject(new SignetError('invalid_input', "this scheme needs the whole response body after its digest; use verifyResponse: { mode: 'buffer' }", { component: 'body' }))
        }
        this.mode = 'buffer'
        this.buffered ??= readLimited(this.source, this.limit, 'the response body')
        return this.buffered
      },
    }
  }

  private async digest(crypto: CryptoBackend, hash: HashAlgorithm): Promise<Uint8Array> {
    if (this.mode === 'buffer') return crypto.digest(hash, await this.buffered!)
    if (this.mode === 'idle') {
      this.mode = 'stream'
      for (const h of new Set([hash, ...this.announced])) this.digests.set(h, crypto.createDigest(h))
      this.streaming.resolve()
    }
    let d = this.digests.get(hash)
    if (!d) {
      if (this.started) throw new SignetError('invalid_input', `the ${hash} digest of the response body was asked for after the body began streaming; use verifyResponse: { mode: 'buffer' }`, { component: 'body' })
      d = crypto.createDigest(hash)
      this.digests.set(hash, d)
    }
    await this.end.promise
    return d.digest()
  }

  /** The error the body stream ended with, as given to the caller. */
  failure: unknown

  /** The body the caller reads: chunks pass through unchanged; the end waits for the final verdict. */
  body(verdict: Promise<unknown>, failure: (err: unknown) => unknown): ReadableStream<Uint8Array> {
    const reader = this.source.getReader()
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          let chunk: ReadableStreamReadResult<Uint8Array>
          try {
            chunk = await reader.read()
          } catch (err) {
            this.end.reject(err)
            throw err
          }
          if (chunk.done) {
            this.end.resolve()
            try {
              await verdict
            } catch (err) {
              this.failure = failure(err)
              controller.error(this.failure)
              return
            }
            controller.close()
            return
          }
          this.started = true
          for (const d of this.digests.values()) d.update(chunk.value)
          controller.enqueue(chunk.value)
        },
        cancel: (reason) => {
          this.end.reject(reason ?? new Error('the response body was cancelled'))
          return reader.cancel(reason)
        },
      },
      { highWaterMark: 0 },
    )
  }
}

const BODY_READERS = ['arrayBuffer', 'blob', 'bytes', 'formData', 'json', 'text'] as const

/**
 * Chromium turns an errored body stream into `TypeError: Failed to fetch` in `text()`, `json()`…,
 * which reads like a network error. The rebuilt Response's body readers rethrow our error instead.
 */
function withVerdictErrors(response: Response, tap: BodyTap): Response {
  for (const name of BODY_READERS) {
    const read = (Response.prototype as unknown as Record<string, unknown>)[name]
    if (typeof read !== 'function') continue
    Object.defineProperty(response, name, {
      configurable: true,
      writable: true,
      value: async function (this: Response) {
        try {
          return await read.call(this)
        } catch (err) {
          throw tap.failure ?? err
        }
      },
    })
  }
  return response
}

/** The scheme, with our body reader given to its response verifier. */
function withBodyReader(scheme: Scheme, tap: BodyTap): Scheme {
  return {
    name: scheme.name,
    requestBody: scheme.requestBody,
    responseBody: scheme.responseBody,
    signRequest: (message, ctx) => scheme.signRequest(message, ctx),
    verifyRequest: (message, ctx) => scheme.verifyRequest(message, ctx),
    verifyResponse: (message, ctx) => scheme.verifyResponse!(message, { ...ctx, body: tap.reader(ctx.crypto) }),
  }
}

/**
 * Verifies a response in stream mode and hands it over as soon as only the body remains to check
 * (see the top of this file). Falls back to {@link verifyBuffered} when there is no body.
 */
export async function verifyStreaming(response: Response, ctx: VerificationContext): Promise<Response> {
  if (response.body === null) return verifyBuffered(response, ctx)
  const tap = new BodyTap(response.body, announcedHashes(response.headers), ctx.options.maxBufferedBodyBytes)
  const message = { status: response.status, headers: response.headers, body: placeholder }
  const verdict = verifyResponse(message, coreVerifyOptions(ctx, withBodyReader(ctx.options.scheme, tap)))
  verdict.catch(() => undefined)
  let outcome: 'verified' | 'streaming'
  try {
    outcome = await Promise.race([verdict.then(() => 'verified' as const), tap.streaming.promise.then(() => 'streaming' as const)])
  } catch (err) {
    discardBody(response)
    throw responseError(err, response)
  }
  if (outcome === 'streaming') return withVerdictErrors(rebuildResponse(response, tap.body(verdict, (err) => responseError(err, response))), tap)
  // Verified without streaming: the scheme buffered the body, or did not need it.
  return tap.buffered ? rebuildResponse(response, (await tap.buffered) as BodyInit) : response
}
