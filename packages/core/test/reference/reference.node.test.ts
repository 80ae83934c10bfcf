import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalPythonJson } from '../../src/canonicalize/python-json.ts'
import { isSignetError, type SignetErrorCode } from '../../src/errors.ts'
import type { SigningKey } from '../../src/keys.ts'
import { memoryReplayStore, type ReplayStore } from '../../src/replay.ts'
import { aspnetWebApiHmac } from '../../src/schemes/aspnet-webapi-hmac.ts'
import { authorizationContentHmac } from '../../src/schemes/authorization-content-hmac.ts'
import { bodyNonceHmac } from '../../src/schemes/body-nonce-hmac.ts'
import { djangoHmac } from '../../src/schemes/django-hmac.ts'
import { pipeCanonical } from '../../src/schemes/pipe-canonical.ts'
import type { Scheme } from '../../src/schemes/types.ts'
import { signRequest, signResponse, type SignOptions } from '../../src/sign.ts'
import { verifyRequest, verifyResponse } from '../../src/verify.ts'
import { startServer, type RunningServer } from '../support/server.ts'
import { startPython, type PythonServer } from './reference-servers.ts'

/**
 * Signet against independent Python (stdlib only) implementations of each wire format, written
 * from shared/schemes/README.md: Signet-signed requests sent with fetch to each reference server
 * (accepted; tampered ones refused with the reference status), and each reference client run
 * against a loopback server that verifies with Signet. Runs in Node, Deno and Bun (node:child_process).
 */

const HERE = decodeURIComponent(new URL('.', import.meta.url).pathname)

async function runPython(script: string, args: string[], stdin?: string): Promise<string> {
  const { spawn } = await import('node:child_process')
  const child = spawn('python3', ['-B', HERE + script, ...args], { cwd: HERE, stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout!.on('data', (d: Uint8Array) => {
    out += new TextDecoder().decode(d)
  })
  child.stderr!.on('data', (d: Uint8Array) => {
    err += new TextDecoder().decode(d)
  })
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('close', resolve)
    child.once('error', reject)
    child.stdin!.end(stdin ?? '')
  })
  if (code !== 0) throw new Error(`${script} exited with ${code}: ${err}`)
  return out
}

interface ClientLine {
  name: string
  status: number
  expected: number
  response_verified?: boolean | null
  detail?: string
}

/** Runs a reference client against `url` and returns one line per request it made. */
async function runClient(script: string, url: string, config: object): Promise<ClientLine[]> {
  const out = await runPython(script, [url, JSON.stringify(config)])
  return out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ClientLine)
}

/** A loopback server that verifies with Signet and answers with the reference server's statuses. */
function verifierApp(scheme: Scheme, keys: SigningKey[], statusOf: (code: SignetErrorCode) => number, options: { replayStore?: ReplayStore; signResponsesWith?: SigningKey } = {}) {
  return async (request: Request): Promise<Response> => {
    try {
      const v = await verifyRequest(request, { keys, scheme, ...(options.replayStore ? { replayStore: options.replayStore } : {}) })
      const body = JSON.stringify({ result: 'ok', covered: v.covered, ratio: 1.0 }, null, 1)
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      if (options.signResponsesWith) Object.assign(headers, (await signResponse({ status: 200, headers, body }, { key: options.signResponsesWith, scheme })).headers)
      return new Response(body, { status: 200, headers })
    } catch (err) {
      if (!isSignetError(err)) return new Response(String(err), { status: 500 })
      return new Response(JSON.stringify({ detail: err.message, code: err.code }), { status: statusOf(err.code), headers: { 'content-type': 'application/json' } })
    }
  }
}

interface Outgoing {
  method: string
  path: string
  headers?: Record<string, string>
  body?: string | Uint8Array | URLSearchParams
}

/** Signs with Signet and sends with the runtime's fetch. Returns the response and the headers sent. */
async function send(base: string, out: Outgoing, options: SignOptions, tamper: (o: Outgoing & { headers: Record<string, string> }) => Outgoing = (o) => o): Promise<{ response: Response; sent: Outgoing & { headers: Record<string, string> } }> {
  const url = base + out.path
  const signed = await signRequest({ method: out.method, url, headers: out.headers ?? {}, body: out.body }, options)
  const sent = tamper({ ...out, headers: { ...out.headers, ...signed.headers } })
  const response = await fetch(base + sent.path, { method: sent.method, headers: sent.headers, body: (sent.body ?? null) as BodyInit | null })
  return { response, sent: { ...sent, headers: sent.headers ?? {} } }
}

function expectClientLines(lines: ClientLine[], minimum: number): void {
  expect(lines.length).toBeGreaterThan(minimum - 1)
  for (const l of lines) {
    expect(`${l.name}: ${l.status}`).toBe(`${l.name}: ${l.expected}`)
    if (l.status === 200 && l.response_verified !== undefined) expect(`${l.name}: response verified ${l.response_verified}`).toBe(`${l.name}: response verified true`)
  }
}

/** The reference server hashes with its own current second: send early in a second. */
async function earlyInASecond(): Promise<void> {
  const ms = Date.now() % 1000
  if (ms > 500) await new Promise((r) => setTimeout(r, 1010 - ms))
}

describe('reference: authorizationContentHmac (Flask hmac-examples)', () => {
  const secret = 'your_secret_key'
  const key = { id: 'flask', secret }
  const scheme = authorizationContentHmac({ keyId: 'flask' })
  let python: PythonServer
  let shifted: PythonServer
  let signet: RunningServer
  beforeAll(async () => {
    ;[python, shifted, signet] = await Promise.all([
      startPython('authorization_content_hmac_server.py', { secret }, { TZ: 'UTC0' }),
      // A host 3 hours west of UTC: its naive-UTC "unix time" is 3 hours ahead.
      startPython('authorization_content_hmac_server.py', { secret }, { TZ: 'REF3' }),
      startServer(verifierApp(scheme, [key], () => 400, { signResponsesWith: key })),
    ])
  })
  afterAll(async () => {
    await Promise.all([python?.stop(), shifted?.stop(), signet?.close()])
  })

  it('Signet-signed requests are accepted and the signed responses verify', async () => {
    for (const out of [
      { method: 'GET', path: '/example/users?user=test&institutionID=999' },
      { method: 'GET', path: '/example/users' },
      { method: 'GET', path: '/example/us%65rs?q=a%20b&x=1' },
      { method: 'POST', path: '/example/users', headers: { 'content-type': 'application/json' }, body: '{"a": 1}' },
    ]) {
      await earlyInASecond()
      const { response } = await send(python.url, out, { key, scheme })
      expect(`${out.path}: ${response.status}`).toBe(`${out.path}: 200`)
      const v = await verifyResponse(response, { keys: [key], scheme })
      expect(v.covered).toEqual(['x-response-content-timestamp', 'body'])
    }
  })

  it('tampered requests are refused with 400', async () => {
    await earlyInASecond()
    const moved = await send(python.url, { method: 'GET', path: '/example/users' }, { key, scheme }, (o) => ({ ...o, path: '/example/admins' }))
    expect(moved.response.status).toBe(400)
    const query = await send(python.url, { method: 'GET', path: '/example/users?id=1' }, { key, scheme }, (o) => ({ ...o, path: '/example/users?id=2' }))
    expect(query.response.status).toBe(400)
  })

  it('a server with a shifted clock accepts requests signed with clockOffsetMs', async () => {
    await earlyInASecond()
    expect((await send(shifted.url, { method: 'GET', path: '/example/users' }, { key, scheme })).response.status).toBe(400)
    await earlyInASecond()
    expect((await send(shifted.url, { method: 'GET', path: '/example/users' }, { key, scheme, clockOffsetMs: 3 * 3600_000 })).response.status).toBe(200)
  })

  it('the Python client is accepted by a Signet verifier and verifies its signed responses', async () => {
    expectClientLines(await runClient('authorization_content_hmac_client.py', signet.url, { secret }), 7)
  })
})

describe('reference: djangoHmac (django_hmac_authentication)', () => {
  const apiKey = 'f4c3801c-a277-4fcb-92bb-44cb814026f6'
  const apiSecret = 'vEOQRdvaK4jyeLKGNP9oqpYTUvt/GZWbGG6iNmnDh8c='
  const key = { id: apiKey, secret: apiSecret }
  const scheme = djangoHmac()
  let python: PythonServer
  let signet: RunningServer
  beforeAll(async () => {
    ;[python, signet] = await Promise.all([
      startPython('django_hmac_server.py', { keys: { [apiKey]: apiSecret } }),
      startServer(verifierApp(scheme, [key], (code) => (code === 'invalid_input' ? 400 : 403))),
    ])
  })
  afterAll(async () => {
    await Promise.all([python?.stop(), signet?.close()])
  })

  it('Signet-signed requests are accepted, whatever the JSON layout and algorithm', async () => {
    const json = { 'content-type': 'application/json' }
    const pretty = '{\n  "b": 1.0,\n  "a": "h\u00e9llo \ud83d\ude00",\n  "n": 12345678901234567890123,\n  "f": 1e-5, "g": 1E16,\n  "z": [0.1, -0.0, null, true], "b": 2.50\n}'
    const cases: [Outgoing, SigningKey['algorithm']][] = [
      [{ method: 'GET', path: '/api/items/' }, 'sha256'],
      [{ method: 'POST', path: '/api/items/', headers: json, body: pretty }, 'sha256'],
      [{ method: 'PUT', path: '/api/items/1/', headers: json, body: '[1, "two", {"three": 3}]' }, 'sha384'],
      [{ method: 'PATCH', path: '/api/items/1/', headers: json, body: '{}' }, 'sha512'],
      [{ method: 'POST', path: '/api/items/', body: new URLSearchParams([['a', '1'], ['b', 'two words'], ['a', '3']]) }, 'sha256'],
      [{ method: 'DELETE', path: '/api/items/1/' }, 'sha512'],
    ]
    for (const [out, algorithm] of cases) {
      const { response } = await send(python.url, out, { key: { ...key, algorithm }, scheme })
      expect(`${out.method} ${algorithm}: ${response.status} ${await response.text()}`).toMatch(`${out.method} ${algorithm}: 200 `)
    }
  })

  it('tampered requests are refused with 403 {"detail": …}', async () => {
    const json = { 'content-type': 'application/json' }
    const { response } = await send(python.url, { method: 'POST', path: '/api/items/', headers: json, body: '{"a": 1}' }, { key, scheme }, (o) => ({ ...o, body: '{"a": 2}' }))
    expect(response.status).toBe(403)
    expect(((await response.json()) as { detail: string }).detail).toBe('Invalid signature.')
    const late = await send(python.url, { method: 'GET', path: '/api/items/' }, { key, scheme, clockOffsetMs: -10_000 })
    expect(late.response.status).toBe(403)
    const early = await send(python.url, { method: 'GET', path: '/api/items/' }, { key, scheme: djangoHmac({ backdateMs: 0 }), clockOffsetMs: 5_000 })
    expect(early.response.status).toBe(403)
  })

  it('the Python client is accepted by a Signet verifier', async () => {
    expectClientLines(await runClient('django_hmac_client.py', signet.url, { api_key: apiKey, api_secret: apiSecret }), 9)
  })
})

describe('reference: pipeCanonical', () => {
  const secret = 'your-secure-secret-from-env'
  const key = { id: 'api', secret }
  const scheme = pipeCanonical({ keyId: 'api' })
  let python: PythonServer
  let signet: RunningServer
  beforeAll(async () => {
    ;[python, signet] = await Promise.all([
      startPython('pipe_canonical_server.py', { secret }),
      startServer(verifierApp(scheme, [key], (code) => (code === 'signature_mismatch' ? 401 : 400))),
    ])
  })
  afterAll(async () => {
    await Promise.all([python?.stop(), signet?.close()])
  })

  it('Signet-signed requests are accepted', async () => {
    for (const out of [
      { method: 'POST', path: '/api/transfer', headers: { 'content-type': 'application/json' }, body: '{"from":"A","to":"B","amount":100}' },
      { method: 'POST', path: '/api/transfer', body: new TextEncoder().encode('{"a":1}') },
      { method: 'GET', path: '/api/items' },
      { method: 'POST', path: '/api/tr%61nsfer?not=covered', headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"x":"\u00e9"}' },
    ]) {
      const { response } = await send(python.url, out, { key, scheme })
      expect(`${out.method} ${out.path}: ${response.status}`).toBe(`${out.method} ${out.path}: 200`)
    }
  })

  it('tampered → 401; query changes are not covered → 200; stale → 400', async () => {
    const body = { method: 'POST', path: '/api/transfer', headers: { 'content-type': 'application/json' }, body: '{"amount":1}' }
    expect((await send(python.url, body, { key, scheme }, (o) => ({ ...o, body: '{"amount":9}' }))).response.status).toBe(401)
    expect((await send(python.url, body, { key, scheme }, (o) => ({ ...o, headers: { ...o.headers, 'content-type': 'text/plain' } }))).response.status).toBe(401)
    expect((await send(python.url, body, { key, scheme }, (o) => ({ ...o, path: '/api/transfer?admin=1' }))).response.status).toBe(200)
    expect((await send(python.url, body, { key, scheme, clockOffsetMs: -120_000 })).response.status).toBe(400)
  })

  it('the Python client is accepted by a Signet verifier', async () => {
    expectClientLines(await runClient('pipe_canonical_client.py', signet.url, { secret }), 8)
  })
})

describe('reference: aspnetWebApiHmac (WebAPI.Hmac)', () => {
  const key = { id: 'cuongle', secret: 'password' }
  const scheme = aspnetWebApiHmac()
  let python: PythonServer
  let signet: RunningServer
  beforeAll(async () => {
    ;[python, signet] = await Promise.all([
      startPython('aspnet_webapi_hmac_server.py', { users: { cuongle: 'password' } }),
      startServer(verifierApp(scheme, [key], () => 401, { replayStore: memoryReplayStore() })),
    ])
  })
  afterAll(async () => {
    await Promise.all([python?.stop(), signet?.close()])
  })

  it('Signet-signed requests are accepted; a resent signature is refused', async () => {
    for (const out of [
      { method: 'GET', path: '/webapi.hmac/api/values' },
      { method: 'GET', path: '/WebAPI.Hmac/api/Values/a%20b?id=7&b=2&b=1' },
      { method: 'POST', path: '/webapi.hmac/api/values?key2=value2', body: new URLSearchParams({ key1: 'value1', key3: 'value 3' }) },
      { method: 'POST', path: '/webapi.hmac/api/values', headers: { 'content-type': 'application/json' }, body: '{"json":"not covered"}' },
    ]) {
      const { response, sent } = await send(python.url, out, { key, scheme })
      expect(`${out.method} ${out.path}: ${response.status}`).toBe(`${out.method} ${out.path}: 200`)
      const again = await fetch(python.url + sent.path, { method: sent.method, headers: sent.headers, body: (sent.body ?? null) as BodyInit | null })
      expect(`${out.method} ${out.path} resent: ${again.status}`).toBe(`${out.method} ${out.path} resent: 401`)
    }
  })

  it('tampered → 401', async () => {
    const out = { method: 'GET', path: '/webapi.hmac/api/values?id=7' }
    expect((await send(python.url, out, { key, scheme }, (o) => ({ ...o, path: '/webapi.hmac/api/values?id=8' }))).response.status).toBe(401)
    expect((await send(python.url, out, { key: { id: 'cuongle', secret: 'wrong' }, scheme })).response.status).toBe(401)
  })

  it('the Python client is accepted by a Signet verifier (with a replay store)', async () => {
    expectClientLines(await runClient('aspnet_webapi_hmac_client.py', signet.url, { username: 'cuongle', password: 'password' }), 6)
  })
})

describe('reference: bodyNonceHmac', () => {
  const secret = 'super-secret-key-change-in-production'
  const key = { id: 'hook', secret }
  const scheme = bodyNonceHmac({ keyId: 'hook' })
  let python: PythonServer
  let signet: RunningServer
  beforeAll(async () => {
    ;[python, signet] = await Promise.all([
      startPython('body_nonce_hmac_server.py', { secret }),
      startServer(verifierApp(scheme, [key], (code) => (code === 'signature_mismatch' ? 401 : 400), { replayStore: memoryReplayStore() })),
    ])
  })
  afterAll(async () => {
    await Promise.all([python?.stop(), signet?.close()])
  })

  it('Signet-signed requests are accepted; a reused nonce is refused with 400', async () => {
    const json = { 'content-type': 'application/json' }
    for (const out of [
      { method: 'POST', path: '/webhook', headers: json, body: '{"amount": 100, "to": "B"}' },
      { method: 'PUT', path: '/webhook', headers: json, body: '{"a":1}' },
      { method: 'PATCH', path: '/webhook', body: new Uint8Array([0, 255, 1]) },
    ]) {
      const { response, sent } = await send(python.url, out, { key, scheme })
      expect(`${out.method}: ${response.status}`).toBe(`${out.method}: 200`)
      const again = await fetch(python.url + sent.path, { method: sent.method, headers: sent.headers, body: (sent.body ?? null) as BodyInit | null })
      expect(`${out.method} resent: ${again.status}`).toBe(`${out.method} resent: 400`)
    }
  })

  it('tampered → 401; the bound variant is not understood by the reference (documented)', async () => {
    const out = { method: 'POST', path: '/webhook', headers: { 'content-type': 'application/json' }, body: '{"a":1}' }
    expect((await send(python.url, out, { key, scheme }, (o) => ({ ...o, body: '{"a":2}' }))).response.status).toBe(401)
    expect((await send(python.url, out, { key, scheme: bodyNonceHmac({ bound: true }) })).response.status).toBe(401)
    expect((await send(python.url, out, { key, scheme, clockOffsetMs: -1_000_000 })).response.status).toBe(400)
  })

  it('the Python client is accepted by a Signet verifier (with a replay store)', async () => {
    expectClientLines(await runClient('body_nonce_hmac_client.py', signet.url, { secret }), 8)
  })
})

describe("reference: canonicalPythonJson against CPython's json module", () => {
  it('agrees on random floats, integers, strings and documents', async () => {
    // A fixed-seed generator, so a failure can be reproduced.
    let seed = 0x9e3779b9
    const rand = (): number => {
      seed ^= seed << 13
      seed ^= seed >>> 17
      seed ^= seed << 5
      return (seed >>> 0) / 2 ** 32
    }
    const view = new DataView(new ArrayBuffer(8))
    const texts: string[] = []
    for (let i = 0; i < 3000; i++) {
      view.setUint32(0, (rand() * 2 ** 32) >>> 0)
      view.setUint32(4, (rand() * 2 ** 32) >>> 0)
      const bits = view.getFloat64(0)
      if (Number.isFinite(bits)) texts.push(bits.toExponential(), String(bits))
      const scaled = rand() * 10 ** Math.floor(rand() * 44 - 22)
      texts.push(String(scaled), scaled.toPrecision(1 + Math.floor(rand() * 17)))
      texts.push(String(Math.floor(rand() * 1e6)) + '.' + '0'.repeat(Math.floor(rand() * 3)) + 'e' + String(Math.floor(rand() * 40 - 20)))
    }
    for (let i = 0; i < 200; i++) {
      let s = ''
      for (let j = 0; j < 12; j++) s += String.fromCharCode(Math.floor(rand() * (rand() < 0.5 ? 0x80 : 0x10000)))
      texts.push(JSON.stringify(s), JSON.stringify({ [s]: [s, Math.floor(rand() * 1e9)] }))
      texts.push('-' + String(Math.floor(rand() * 9) + 1) + '0'.repeat(Math.floor(rand() * 40)))
    }
    texts.push('{"a":1,"b":{"c":[1.0,2.50,-0.0,1e-7,123456789012345678901234567890]},"a":{}}', '[[], {}, "", 0, false, null]', '"\\ud800\\udc00\\ud800"', 'NaN', '[Infinity]', '[1,]')
    const python = JSON.parse(await runPython('python_json_dump.py', [], JSON.stringify(texts))) as (string | null)[]
    expect(python).toHaveLength(texts.length)
    let compared = 0
    texts.forEach((text, i) => {
      let ours: string | null
      try {
        ours = canonicalPythonJson(text)
      } catch {
        ours = null
      }
      expect(`${text} → ${ours}`).toBe(`${text} → ${python[i]}`)
      compared++
    })
    expect(compared).toBeGreaterThan(10_000)
  })
})
