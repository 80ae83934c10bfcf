/** Small helpers shared by the fetch tests. */

/** What /echo answers (see support/app.ts). */
export interface Echo {
  ok: boolean
  error?: string
  message?: string
  keyId?: string
  covered?: string[]
  nonce?: string
  method: string
  path: string
  search: string
  contentType: string | null
  hasBody: boolean
  bodyLength: number
  bodySha256: string
  bodyText?: string
  form?: Record<string, string | { name: string; type: string; size: number; text: string }>
}

export async function sha256Hex(data: Uint8Array | ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data as BufferSource)
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** The rejection reason of a promise that must reject. */
export async function caught(promise: Promise<unknown>): Promise<{ code?: string; message: string; name: string; details?: Record<string, unknown> }> {
  try {
    await promise
  } catch (err) {
    return err as { code?: string; message: string; name: string; details?: Record<string, unknown> }
  }
  throw new Error('expected a rejection, the promise resolved')
}

/** A stream of the given chunks. */
export function streamOf(...chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder()
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(typeof c === 'string' ? enc.encode(c) : c)
      controller.close()
    },
  })
}
