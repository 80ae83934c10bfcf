import { memoryReplayStore } from '../../src/replay.ts'
import { signResponse } from '../../src/sign.ts'
import { isSignetError } from '../../src/errors.ts'
import type { SigningKey } from '../../src/keys.ts'
import { verifyRequest } from '../../src/verify.ts'

/** The key the loopback tests and their server share. */
export const TEST_KEY: SigningKey = { id: 'loopback-key', secret: 'loopback shared secret, 32 bytes!' }

/** CORS for the browser tests, which call this server from the Vite origin. */
export const CORS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': '*',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
  'access-control-expose-headers': 'signature, signature-input, content-digest, date',
}

/**
 * A server that verifies every request with `verifyRequest` (and a replay store) and answers with
 * a response signed by `signResponse`, bound to the request. Failures answer 401 with the code.
 */
export function coreApp(): (request: Request) => Promise<Response> {
  const replayStore = memoryReplayStore()
  return async (request) => {
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS })
    let status = 200
    let payload: Record<string, unknown>
    try {
      const verified = await verifyRequest(request, { keys: [TEST_KEY], replayStore })
      const body = new Uint8Array(await request.arrayBuffer())
      payload = { ok: true, keyId: verified.keyId, covered: verified.covered, bodyLength: body.byteLength }
    } catch (err) {
      if (!isSignetError(err)) throw err
      status = 401
      payload = { ok: false, code: err.code, message: err.message }
    }
    const body = JSON.stringify(payload)
    const headers: Record<string, string> = { 'content-type': 'application/json', ...CORS }
    const signed = await signResponse({ status, headers, body }, { key: TEST_KEY, request })
    const tamper = new URL(request.url).searchParams.get('tamper') === 'response'
    return new Response(tamper ? body.replace('true', 'TRUE') : body, { status, headers: { ...headers, ...signed.headers } })
  }
}
