import { SignetError } from '@signet/core'

/**
 * Reads a stream whole, failing with `body_too_large` (and cancelling the stream) as soon as it
 * passes `limit` bytes, so an endless or huge stream is never held in memory.
 */
export async function readLimited(stream: ReadableStream<Uint8Array>, limit: number, what: string): Promise<Uint8Array> {
  const reader = stream.getReader()
  const parts: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > limit) {
      const err = new SignetError(
        'body_too_large',
        `${what} must be buffered to be signed or verified but is larger than maxBufferedBodyBytes (${limit} bytes); pass large uploads as a Blob/File (hashed in pieces), or raise maxBufferedBodyBytes`,
        { component: 'body', expected: `<= ${limit} bytes`, received: `> ${limit} bytes` },
      )
      await reader.cancel(err).catch(() => undefined)
      throw err
    }
    parts.push(value)
  }
  if (parts.length === 1) return parts[0]!
  const out = new Uint8Array(total)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.byteLength
  }
  return out
}

/** Releases a response body nobody will read (a followed redirect, a rejected response). */
export function discardBody(response: Response): void {
  if (response.body && !response.body.locked) response.body.cancel().catch(() => undefined)
}
