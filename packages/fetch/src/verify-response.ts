import { isSignetError, SignetError, verifyResponse, type MessageRequest, type Scheme, type VerifyResponseOptions } from '@signet/core'
import { coreClock, type Clock } from './clock.ts'
import type { ResolvedOptions, ResolvedVerification } from './options.ts'
import { discardBody } from './read-body.ts'
import { SIGNATURE_HEADERS } from './sign-hop.ts'

/** Everything needed to verify one response: the settings, and the signed request it answers. */
export interface VerificationContext {
  readonly options: ResolvedOptions
  readonly verify: ResolvedVerification
  readonly clock: Clock
  /** The request as sent (headers, no body); the response's `;req` components are checked against it. */
  readonly request: MessageRequest
}

/** Core's verify options for this response: keys, limits, required components, clock, and the request to bind to. */
export function coreVerifyOptions(ctx: VerificationContext, scheme: Scheme = ctx.options.scheme): VerifyResponseOptions {
  const { verify } = ctx
  return {
    keys: verify.keys,
    scheme,
    request: ctx.request,
    maxBufferedBodyBytes: ctx.options.maxBufferedBodyBytes,
    ...(verify.maxAgeSeconds !== undefined ? { maxAgeSeconds: verify.maxAgeSeconds } : {}),
    ...(verify.required !== undefined ? { required: verify.required } : {}),
    ...coreClock(ctx.clock),
  }
}

/** Response headers as a plain record (lower-case names), for error details. */
export function headersRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {}
  headers.forEach((value, name) => {
    out[name] = name in out ? `${out[name]}, ${value}` : value
  })
  return out
}

function corsMessage(response: Response, hidden: readonly string[], err: SignetError): string {
  const origin = response.url ? new URL(response.url).origin : 'the server'
  const expose = 'Access-Control-Expose-Headers: Signature, Signature-Input, Content-Digest'
  if (hidden.includes('signature') && hidden.includes('signature-input')) {
    return (
      `the cross-origin response from ${origin} shows no Signature or Signature-Input header: browsers hide response headers ` +
      `the server does not list in Access-Control-Expose-Headers. Have the server send "${expose}" ` +
      `(headers not exposed here: ${hidden.join(', ')}), or check that it signs its responses`
    )
  }
  return `${err.message} (this cross-origin response hides ${hidden.join(', ')}: the server must send "${expose}")`
}

/**
 * A verification failure as the caller sees it: the same code, with the response's `status` and
 * `headers` in `details`, and for a cross-origin browser response whose signature headers are
 * hidden by CORS, a message that says which headers to expose.
 */
export function responseError(err: unknown, response: Response): unknown {
  if (!isSignetError(err)) return err
  const details = { ...err.details, status: response.status, headers: headersRecord(response.headers) }
  let message = err.message
  if (response.type === 'cors') {
    const hidden = SIGNATURE_HEADERS.filter((name) => !response.headers.has(name) && (name !== 'content-digest' || response.body !== null))
    if (hidden.length > 0) {
      message = corsMessage(response, hidden, err)
      Object.assign(details, { exposeHeaders: [...SIGNATURE_HEADERS] })
    }
  }
  return new SignetError(err.code, message, details, { cause: err })
}

/** Fails closed on responses whose status, headers and body are unreadable (mode: 'no-cors'). */
export function assertVerifiable(response: Response): void {
  if (response.type === 'opaque') {
    throw new SignetError('missing_signature', "an opaque response (mode: 'no-cors') has no readable status, headers or body, so its signature cannot be verified", {
      status: response.status,
      headers: {},
    })
  }
}

/**
 * `mode: 'buffer'`: verifies status, headers and the whole body (read from a clone) before the
 * Response is handed over; the Response itself is untouched and readable as usual.
 */
export async function verifyBuffered(response: Response, ctx: VerificationContext): Promise<Response> {
  try {
    await verifyResponse(response, coreVerifyOptions(ctx))
  } catch (err) {
    discardBody(response)
    throw responseError(err, response)
  }
  return response
}
