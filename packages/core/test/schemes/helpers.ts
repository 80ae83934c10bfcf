import type { CryptoBackend } from '../../src/crypto/backend.ts'
import { isSignetError } from '../../src/errors.ts'
import type { SigningKey } from '../../src/keys.ts'
import type { MessageRequest, MessageResponse } from '../../src/message.ts'
import type { Scheme } from '../../src/schemes/types.ts'
import { signRequest, signResponse } from '../../src/sign.ts'

/** Shared helpers of the scheme tests: sign and merge the headers, read an outcome as an error code. */

export type Outcome = 'accepted' | string

/** `'accepted'` when the promise resolves, else the SignetError code (anything else rethrows). */
export async function codeOf(p: Promise<unknown>): Promise<Outcome> {
  try {
    await p
    return 'accepted'
  } catch (err) {
    if (isSignetError(err)) return err.code
    throw err
  }
}

export function withHeaders(headers: MessageRequest['headers'], add: Record<string, string | undefined>): Headers {
  const h = new Headers(headers as HeadersInit | undefined)
  for (const [k, v] of Object.entries(add)) {
    if (v === undefined) h.delete(k)
    else h.set(k, v)
  }
  return h
}

/** Signs `request` and returns it with the signature headers set. */
export async function signed(
  request: MessageRequest,
  scheme: Scheme,
  key: SigningKey,
  nowMs: number,
  extra: { crypto?: CryptoBackend; nonce?: () => string; clockOffsetMs?: number } = {},
): Promise<MessageRequest & { headers: Headers; base: string }> {
  const result = await signRequest(request, { key, scheme, now: () => nowMs, ...extra })
  return { ...request, headers: withHeaders(request.headers, result.headers), base: result.base }
}

export async function signedResponse(
  response: MessageResponse,
  scheme: Scheme,
  key: SigningKey,
  nowMs: number,
  extra: { crypto?: CryptoBackend } = {},
): Promise<MessageResponse & { headers: Headers; base: string }> {
  const result = await signResponse(response, { key, scheme, now: () => nowMs, ...extra })
  return { ...response, headers: withHeaders(response.headers as MessageRequest['headers'], result.headers), base: result.base }
}

/** Lower-cases the names of a vectors file's header record. */
export function lowerKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k.toLowerCase(), v]))
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

/** Awaits a rejection and checks its SignetError code and message (a regex or a substring). */
export async function expectError(p: Promise<unknown>, code: string, message?: RegExp | string): Promise<void> {
  let err: unknown
  try {
    await p
  } catch (e) {
    err = e
  }
  if (!isSignetError(err)) throw new Error(`expected a SignetError ${code}, got ${err === undefined ? 'no error' : String(err)}`)
  if (err.code !== code) throw new Error(`expected code ${code}, got ${err.code}: ${err.message}`)
  if (message !== undefined && !(typeof message === 'string' ? err.message.includes(message) : message.test(err.message))) {
    throw new Error(`expected the ${code} message to match ${String(message)}, got: ${err.message}`)
  }
}
