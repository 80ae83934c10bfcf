import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signRequest } from '../src/sign.ts'
import { verifyResponse } from '../src/verify.ts'
import { isSignetError } from '../src/errors.ts'
import { coreApp, TEST_KEY } from './support/app.ts'
import { runtime, startServer, type RunningServer } from './support/server.ts'

const env = (import.meta as unknown as { env?: Record<string, string | undefined> }).env

/** Signs with `signRequest`, sends with the runtime's fetch, verifies the answer with `verifyResponse`. */
async function call(base: string, path: string, init: { method: string; body?: string; headers?: Record<string, string> }) {
  const url = base + path
  const request = { method: init.method, url, headers: init.headers ?? {}, body: init.body }
  const signed = await signRequest(request, { key: TEST_KEY })
  const headers = { ...init.headers, ...signed.headers }
  const response = await fetch(url, { method: init.method, headers, body: init.body })
  return { request: { ...request, headers }, response, signed }
}

describe(`loopback server (${runtime})`, () => {
  let server: RunningServer | undefined
  let base = ''
  beforeAll(async () => {
    if (runtime === 'browser') base = env!.VITE_SIGNET_SERVER_URL!
    else {
      server = await startServer(coreApp())
      base = server.url
    }
  })
  afterAll(async () => {
    await server?.close()
  })

  it('a signed POST is accepted and its signed response verifies', async () => {
    const { request, response } = await call(base, '/core/orders?x=1', { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } })
    const verified = await verifyResponse(response.clone(), { keys: [TEST_KEY], request })
    expect(verified.covered).toContain('"signature";req;key="sig1"')
    const json = (await response.json()) as { ok: boolean; covered: string[]; bodyLength: number }
    expect(response.status).toBe(200)
    expect(json.ok).toBe(true)
    expect(json.bodyLength).toBe(7)
    expect(json.covered).toContain('content-digest')
  })

  it('a request whose body changed after signing is rejected with digest_mismatch', async () => {
    const url = base + '/core/orders'
    const signed = await signRequest({ method: 'POST', url, body: 'amount=10' }, { key: TEST_KEY })
    const response = await fetch(url, { method: 'POST', headers: signed.headers, body: 'amount=99' })
    expect(response.status).toBe(401)
    expect(((await response.json()) as { code: string }).code).toBe('digest_mismatch')
  })

  it('a replayed request is rejected', async () => {
    const url = base + '/core/once'
    const signed = await signRequest({ method: 'GET', url }, { key: TEST_KEY })
    expect((await fetch(url, { headers: signed.headers })).status).toBe(200)
    const again = await fetch(url, { headers: signed.headers })
    expect(again.status).toBe(401)
    expect(((await again.json()) as { code: string }).code).toBe('replayed')
  })

  it('a tampered response fails verification', async () => {
    const { request, response } = await call(base, '/core/t?tamper=response', { method: 'GET' })
    let code = 'accepted'
    try {
      await verifyResponse(response, { keys: [TEST_KEY], request })
    } catch (err) {
      code = isSignetError(err) ? err.code : 'other'
    }
    expect(code).toBe('digest_mismatch')
  })
})
