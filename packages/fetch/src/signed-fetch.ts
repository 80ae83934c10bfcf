import { correctFromResponse, createClock, type Clock } from './clock.ts'
import { resolveOptions, type ClockCorrectionOptions, type ResolvedOptions, type SignedFetchOptions } from './options.ts'
import { firstHop, prepareOutgoing, replayable, type Hop, type Outgoing } from './outgoing.ts'
import { discardBody } from './read-body.ts'
import { signHop, unsignedHop, type SentHop } from './sign-hop.ts'

/**
 * A module imported on first use, once per page or process. A failed import (a chunk that did not
 * download) is forgotten, so that the next call tries again.
 */
function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined
  return () =>
    (loading ??= load().catch((err: unknown) => {
      loading = undefined
      throw err
    }))
}

/** Response verification: only a fetch created with `verifyResponse` loads it. */
const loadVerifier = lazy(() => import('./verify.ts'))
/** Following redirects ourselves: only where the runtime lets us (never in browsers). */
const loadRedirects = lazy(() => import('./redirects.ts'))

/**
 * Whether fetch here shows a redirect's status and `Location` under `redirect: 'manual'`: true in
 * Node, Deno and Bun; false in browsers, which answer with an opaque redirect.
 */
function canFollowRedirectsItself(): boolean {
  const g = globalThis as { Deno?: unknown; Bun?: unknown; process?: { versions?: { node?: unknown } }; document?: unknown }
  if (g.Deno !== undefined || g.Bun !== undefined) return true
  return typeof g.process?.versions?.node === 'string' && g.document === undefined
}

/** A response and the request (as sent) that it answers. */
interface Exchange {
  readonly response: Response
  readonly sent: SentHop
}

/**
 * Sends one call: signs, sends, and follows redirects itself when the caller asked fetch to
 * follow them and the runtime lets us see them (Node, Deno, Bun).
 */
async function send(outgoing: Outgoing, options: ResolvedOptions, clock: Clock): Promise<Exchange> {
  const fetchFn = options.fetch ?? globalThis.fetch
  const callerMode = outgoing.template.redirect
  const selfFollow = callerMode === 'follow' && canFollowRedirectsItself()
  // fetch keeps an unread copy of the body while a redirect may need it, except in 'error' mode
  // (undici tees it): a large Blob upload is sent without redirects to stay in constant memory.
  const large = outgoing.body.kind === 'blob' && outgoing.body.blob.size > options.maxBufferedBodyBytes
  const follow = selfFollow && !large
  const origin = new URL(outgoing.template.url).origin
  const redirects = follow ? await loadRedirects() : undefined
  let hop: Hop = firstHop(outgoing, follow ? 'manual' : selfFollow ? 'error' : callerMode)
  let sameOrigin = true
  for (let count = 0; ; count++) {
    const sent = sameOrigin ? await signHop(outgoing, hop, options, clock) : unsignedHop(outgoing, hop)
    const response = await (outgoing.extras ? fetchFn(sent.request, outgoing.extras) : fetchFn(sent.request))
    const target = redirects?.redirectTarget(response, hop.url)
    if (!redirects || !target) return { response: redirects && count > 0 ? redirects.followed(response) : response, sent }
    discardBody(response)
    if (count >= redirects.MAX_REDIRECTS) throw new TypeError(`fetch failed: more than ${redirects.MAX_REDIRECTS} redirects`)
    hop = redirects.nextHop(hop, response.status, target)
    // Once the chain has left the key's origin it is never signed again, even if it comes back.
    if (target.origin !== origin) sameOrigin = false
  }
}

async function verified(exchange: Exchange, options: ResolvedOptions, clock: Clock): Promise<Response> {
  const { response } = exchange
  if (!options.verify || response.type === 'opaqueredirect') return response
  const { verifyExchange } = await loadVerifier()
  return verifyExchange(response, { options, verify: options.verify, clock, request: exchange.sent.message })
}

/**
 * Creates a `fetch` that signs every request with Signet, and optionally verifies signed responses.
 * The returned function has fetch's signature and semantics, and works wherever the runtime's
 * fetch works (Node, Deno, Bun, browsers).
 *
 * - **Exactly the bytes sent are signed.** The outgoing request is `new Request(input, init)` (so
 *   `init` overrides a `Request` input as with fetch). Strings, URLSearchParams, ArrayBuffer and
 *   views, and FormData (serialized once, sent with that boundary) are signed and sent as the same
 *   bytes. A Blob/File is hashed in pieces and sent as the same Blob, never held in memory. A
 *   ReadableStream (pass `duplex: 'half'`) or a `Request`'s body is buffered up to
 *   `maxBufferedBodyBytes` (else `body_too_large`), unless the scheme does not read bodies
 *   (`requestBody: 'none'`): then it is streamed through untouched. The caller's `Request`,
 *   headers and body are never modified or consumed.
 * - **Each call signs afresh** (new `created` and nonce); retrying is the caller's loop calling again.
 * - **Response verification** (`verifyResponse`): fail closed. An unsigned, tampered, stale or
 *   replayed response (one signed for another request) rejects with a `SignetError`
 *   (`missing_signature`, `signature_mismatch`, `digest_mismatch`, `expired`…) whose `details`
 *   carry `status` and `headers`. Opaque redirects (browsers, `redirect: 'manual'`) carry nothing
 *   readable and are returned as they are.
 * - **Redirects.** With `redirect: 'follow'` (fetch's default) in Node, Deno and Bun, Signet follows
 *   redirects itself with fetch's rules (method/body rewriting, at most 20): a hop to the same
 *   origin is signed afresh for its own URL (and reported to `onSigned`); once a hop goes to
 *   another origin, no later hop is signed and no Signature, Signature-Input or Content-Digest
 *   header is sent (nor Authorization or Cookie, as fetch). The final Response has
 *   `redirected: true`, and is verified against the request that produced it. A Blob body larger
 *   than `maxBufferedBodyBytes` is sent with `redirect: 'error'` instead (a redirect rejects with a
 *   TypeError): fetch would otherwise keep a second, unread copy of the upload in memory while a
 *   redirect might need it (undici does), defeating constant-memory uploads. With `'manual'` or
 *   `'error'`, fetch behaves as usual. In browsers, fetch follows redirects itself: the followed
 *   request carries the original signature headers (signed for the original URL, so a verifying
 *   server at another path rejects it), which the browser sends to another origin only if that
 *   origin's CORS preflight allows them; use `redirect: 'error'` to keep them from ever leaving,
 *   and a replay store on the server so that a forwarded signature cannot be used twice.
 * - **Clock.** See `clock.autoCorrect` ({@link ClockCorrectionOptions}): one retry, signed afresh, when a
 *   401/403 shows the local clock is off; the learned offset is kept for later calls.
 *
 * Misconfigured options throw a `SignetError` (`invalid_key`, `invalid_input`) at once.
 *
 * @example
 * ```ts
 * const signedFetch = createSignedFetch({ key: { id: 'client-1', secret }, verifyResponse: true })
 * const res = await signedFetch('https://api.example.com/orders', { method: 'POST', body: JSON.stringify(order) })
 * ```
 */
export function createSignedFetch(options: SignedFetchOptions): typeof fetch {
  const resolved = resolveOptions(options)
  const clock = createClock(options.clock)
  // Loaded now, while the first request is prepared and sent, so that it does not wait for them.
  if (resolved.verify) loadVerifier().catch(() => undefined)
  if (canFollowRedirectsItself()) loadRedirects().catch(() => undefined)
  return async function signedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const outgoing = await prepareOutgoing(input, init, resolved.scheme, resolved.maxBufferedBodyBytes)
    let exchange = await send(outgoing, resolved, clock)
    if (correctFromResponse(clock, exchange.response) && replayable(outgoing.body)) {
      discardBody(exchange.response)
      exchange = await send(outgoing, resolved, clock)
    }
    return verified(exchange, resolved, clock)
  }
}
