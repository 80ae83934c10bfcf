import { describe, expect, it } from 'vitest'
import type { CryptoBackend } from '../../src/crypto/backend.ts'
import { isSignetError } from '../../src/errors.ts'
import type { SigningKey } from '../../src/keys.ts'
import type { MessageRequest, MessageResponse } from '../../src/message.ts'
import { memoryReplayStore } from '../../src/replay.ts'
import { rfc9421 } from '../../src/schemes/rfc9421/index.ts'
import { signRequest, signResponse } from '../../src/sign.ts'
import { verifyRequest, verifyResponse } from '../../src/verify.ts'
import { BACKEND_NAMES, backendNamed } from '../support/backends.ts'

const NOW = 1_700_000_000_000
const now = () => NOW
const key: SigningKey = { id: 'key-1', secret: 'a shared secret of reasonable length' }

async function signed(request: MessageRequest, crypto: CryptoBackend, extra: Partial<Parameters<typeof signRequest>[1]> = {}): Promise<MessageRequest> {
  const { headers } = await signRequest(request, { key, now, crypto, ...extra })
  const merged = new Headers(request.headers as HeadersInit | undefined)
  for (const [k, v] of Object.entries(headers)) merged.set(k, v)
  return { ...request, headers: merged }
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'accepted'
  } catch (err) {
    if (isSignetError(err)) return err.code
    throw err
  }
}

function withHeader(req: MessageRequest, name: string, value: string): MessageRequest {
  const h = new Headers(req.headers as HeadersInit)
  h.set(name, value)
  return { ...req, headers: h }
}

const jsonPost: MessageRequest = {
  method: 'POST',
  url: 'https://api.example.com/v1/orders?limit=10&sort=desc',
  headers: { 'content-type': 'application/json' },
  body: '{"item":"book","qty":1}',
}

for (const backendName of BACKEND_NAMES) {
  describe(`rfc9421 sign → verify (${backendName})`, () => {
    const opts = async () => ({ keys: [key], now, crypto: await backendNamed(backendName) })

    it('round-trips a GET with no body', async () => {
      const crypto = await backendNamed(backendName)
      const req = await signed({ method: 'get', url: 'https://api.example.com/v1/items?page=2' }, crypto)
      const v = await verifyRequest(req, await opts())
      expect(v.keyId).toBe('key-1')
      expect(v.covered).toEqual(['@method', '@authority', '@path', '@query'])
      expect(v.created).toBe(NOW / 1000)
      expect(typeof v.nonce).toBe('string')
    })

    it('round-trips every body type and covers the Content-Digest', async () => {
      const crypto = await backendNamed(backendName)
      const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253])
      const bodies: MessageRequest['body'][] = [
        'plain text ✓',
        bytes,
        bytes.buffer,
        new Uint8Array(bytes.buffer, 2, 3),
        new Blob(['blob ', 'parts']),
        new URLSearchParams({ a: '1', b: 'two words' }),
      ]
      for (const body of bodies) {
        const req = await signed({ method: 'PUT', url: 'https://api.example.com/up', body }, crypto)
        const v = await verifyRequest(req, await opts())
        expect(v.covered).toContain('content-digest')
      }
      // A stream body is read once when signing; the signed copy is verified from the same bytes.
      const chunks = ['str', 'eam ', 'body']
      const stream = () =>
        new ReadableStream<Uint8Array>({
          start(c) {
            for (const s of chunks) c.enqueue(new TextEncoder().encode(s))
            c.close()
          },
        })
      const req = await signed({ method: 'POST', url: 'https://api.example.com/s', body: stream() }, crypto)
      const v = await verifyRequest({ ...req, body: stream() }, await opts())
      expect(v.covered).toContain('content-digest')
    })

    it('accepts a fetch Request and leaves it readable', async () => {
      const crypto = await backendNamed(backendName)
      const request = new Request('https://api.example.com/r', { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' } })
      const { headers } = await signRequest(request, { key, now, crypto })
      expect(await request.text()).toBe('hello')
      const signedReq = new Request('https://api.example.com/r', { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain', ...headers } })
      const v = await verifyRequest(signedReq, await opts())
      expect(v.covered).toContain('content-type')
      expect(await signedReq.text()).toBe('hello')
    })

    it('detects tampering with every covered component', async () => {
      const crypto = await backendNamed(backendName)
      const good = await signed(jsonPost, crypto)
      const o = await opts()
      expect(await codeOf(verifyRequest(good, o))).toBe('accepted')
      expect(await codeOf(verifyRequest({ ...good, method: 'PUT' }, o))).toBe('signature_mismatch')
      expect(await codeOf(verifyRequest({ ...good, url: 'https://evil.example.com/v1/orders?limit=10&sort=desc' }, o))).toBe('signature_mismatch')
      expect(await codeOf(verifyRequest({ ...good, url: 'https://api.example.com/v1/orderz?limit=10&sort=desc' }, o))).toBe('signature_mismatch')
      expect(await codeOf(verifyRequest({ ...good, url: 'https://api.example.com/v1/orders?limit=99&sort=desc' }, o))).toBe('signature_mismatch')
      expect(await codeOf(verifyRequest(withHeader(good, 'content-type', 'text/plain'), o))).toBe('signature_mismatch')
      expect(await codeOf(verifyRequest({ ...good, body: '{"item":"book","qty":9}' }, o))).toBe('digest_mismatch')
      expect(await codeOf(verifyRequest(withHeader(good, 'content-digest', 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:'), o))).toBe('signature_mismatch')
      // Headers that are not covered may change.
      expect(await codeOf(verifyRequest(withHeader(good, 'user-agent', 'changed'), o))).toBe('accepted')
    })

    it('detects tampering with the signature parameters and bytes', async () => {
      const crypto = await backendNamed(backendName)
      const good = await signed(jsonPost, crypto)
      const o = await opts()
      const input = new Headers(good.headers as HeadersInit).get('signature-input')!
      const sig = new Headers(good.headers as HeadersInit).get('signature')!
      expect(await codeOf(verifyRequest(withHeader(good, 'signature-input', input.replace(`created=${NOW / 1000}`, `created=${NOW / 1000 - 1}`)), o))).toBe('signature_mismatch')
      expect(await codeOf(verifyRequest(withHeader(good, 'signature-input', input.replace(/nonce="[^"]+"/, 'nonce="other"')), o))).toBe('signature_mismatch')
      expect(await codeOf(verifyRequest(withHeader(good, 'signature-input', input.replace('"@method" ', '')), o))).toBe('insufficient_coverage')
      const mac = sig.slice(sig.indexOf(':') + 1, -1)
      const flipped = (mac[0] === 'A' ? 'B' : 'A') + mac.slice(1)
      expect(await codeOf(verifyRequest(withHeader(good, 'signature', `sig1=:${flipped}:`), o))).toBe('signature_mismatch')
      expect(await codeOf(verifyRequest(withHeader(good, 'signature', `sig1=:${mac.slice(0, 24)}:`), o))).toBe('signature_mismatch')
      expect(await codeOf(verifyRequest(withHeader(good, 'signature', 'sig1=:not base64!:'), o))).toBe('malformed_signature')
      expect(await codeOf(verifyRequest(withHeader(good, 'signature-input', 'sig1=("@method"'), o))).toBe('malformed_signature')
    })

    it('checks freshness: created, expires and clock skew', async () => {
      const crypto = await backendNamed(backendName)
      const good = await signed(jsonPost, crypto, { scheme: rfc9421({ expiresInSeconds: 60 }) })
      const at = (ms: number) => ({ keys: [key], crypto, now: () => ms })
      expect(await codeOf(verifyRequest(good, at(NOW + 59_000)))).toBe('accepted')
      expect(await codeOf(verifyRequest(good, at(NOW + 120_000)))).toBe('expired')
      expect(await codeOf(verifyRequest(good, at(NOW - 29_000)))).toBe('accepted')
      expect(await codeOf(verifyRequest(good, at(NOW - 31_000)))).toBe('not_yet_valid')
      const noExpiry = await signed(jsonPost, crypto)
      expect(await codeOf(verifyRequest(noExpiry, { ...at(NOW + 330_000), maxAgeSeconds: 300 }))).toBe('accepted')
      expect(await codeOf(verifyRequest(noExpiry, { ...at(NOW + 331_000), maxAgeSeconds: 300 }))).toBe('expired')
      // A signer whose clock runs 10 minutes behind is corrected by clockOffsetMs.
      const corrected = await signed(jsonPost, crypto, { now: () => NOW - 600_000, clockOffsetMs: 600_000 })
      expect(await codeOf(verifyRequest(corrected, at(NOW)))).toBe('accepted')
    })

    it('rejects a replayed nonce, and refuses nonce-less signatures when a store is set', async () => {
      const crypto = await backendNamed(backendName)
      const replayStore = memoryReplayStore()
      const good = await signed(jsonPost, crypto)
      expect(await codeOf(verifyRequest(good, { keys: [key], now, crypto, replayStore }))).toBe('accepted')
      expect(await codeOf(verifyRequest(good, { keys: [key], now, crypto, replayStore }))).toBe('replayed')
      const another = await signed(jsonPost, crypto)
      expect(await codeOf(verifyRequest(another, { keys: [key], now, crypto, replayStore }))).toBe('accepted')
      const noNonce = await signed(jsonPost, crypto, { scheme: rfc9421({ nonce: false }) })
      expect(await codeOf(verifyRequest(noNonce, { keys: [key], now, crypto, replayStore }))).toBe('insufficient_coverage')
    })

    it('finds keys by id for rotation, and rejects unknown ids and mismatched algorithms', async () => {
      const crypto = await backendNamed(backendName)
      const oldKey: SigningKey = { id: 'old', secret: new TextEncoder().encode('old secret bytes') }
      const newKey: SigningKey = { id: 'new', secret: 'new secret', algorithm: 'sha512' }
      const byOld = await signed(jsonPost, crypto, { key: oldKey })
      const byNew = await signed(jsonPost, crypto, { key: newKey })
      const keys = [oldKey, newKey]
      expect((await verifyRequest(byOld, { keys, now, crypto })).keyId).toBe('old')
      expect((await verifyRequest(byNew, { keys, now, crypto })).algorithm).toBe('sha512')
      const lookup = async (id: string) => keys.find((k) => k.id === id)
      expect((await verifyRequest(byNew, { keys: lookup, now, crypto })).keyId).toBe('new')
      expect(await codeOf(verifyRequest(byOld, { keys: [newKey], now, crypto }))).toBe('unknown_key')
      expect(await codeOf(verifyRequest(byNew, { keys: [{ id: 'new', secret: 'new secret' }], now, crypto }))).toBe('signature_mismatch')
    })

    it('signs a response bound to its request, and refuses it for another request', async () => {
      const crypto = await backendNamed(backendName)
      const request = await signed(jsonPost, crypto)
      const response: MessageResponse = { status: 201, headers: { 'content-type': 'application/json' }, body: '{"id":42}' }
      const { headers } = await signResponse(response, { key, now, crypto, request })
      const signedResponse = { ...response, headers: { ...(response.headers as Record<string, string>), ...headers } }
      const v = await verifyResponse(signedResponse, { keys: [key], now, crypto, request })
      expect(v.covered).toContain('"signature";req;key="sig1"')
      expect(v.covered).toContain('@status')
      const other = await signed({ ...jsonPost, url: 'https://api.example.com/v1/orders?limit=11&sort=desc' }, crypto)
      expect(await codeOf(verifyResponse(signedResponse, { keys: [key], now, crypto, request: other }))).toBe('signature_mismatch')
      expect(await codeOf(verifyResponse({ ...signedResponse, status: 200 }, { keys: [key], now, crypto, request }))).toBe('signature_mismatch')
      expect(await codeOf(verifyResponse({ ...signedResponse, body: '{"id":43}' }, { keys: [key], now, crypto, request }))).toBe('digest_mismatch')
      expect(await codeOf(verifyResponse(signedResponse, { keys: [key], now, crypto }))).toBe('invalid_input')
      expect(await codeOf(verifyResponse(response, { keys: [key], now, crypto, request }))).toBe('missing_signature')
    })

    it('covers configured components, tags and several signatures per message', async () => {
      const crypto = await backendNamed(backendName)
      const scheme = rfc9421({
        label: 'app',
        tag: 'my-app',
        components: ['@method', '@target-uri', '@scheme', '@request-target', '"@query-param";name="limit"', 'content-type', 'x-absent'],
      })
      const first = await signed(jsonPost, crypto, { scheme })
      const v = await verifyRequest(first, { keys: [key], now, crypto, scheme, required: ['@target-uri'] })
      expect(v.tag).toBe('my-app')
      expect(v.label).toBe('app')
      expect(v.covered).toEqual(['@method', '@target-uri', '@scheme', '@request-target', '"@query-param";name="limit"', 'content-type'])
      // A second signature is appended, and each verifies by its label.
      const second = await signed(first, crypto, { key: { id: 'k2', secret: 'second' } })
      const h = new Headers(second.headers as HeadersInit)
      expect(h.get('signature-input')!.startsWith('app=(')).toBe(true)
      expect(h.get('signature-input')).toContain(', sig1=(')
      expect((await verifyRequest(second, { keys: [key], now, crypto, scheme, required: ['@method'] })).label).toBe('app')
      expect((await verifyRequest(second, { keys: [{ id: 'k2', secret: 'second' }], now, crypto, scheme: rfc9421({ label: 'sig1' }) })).keyId).toBe('k2')
      expect(await codeOf(signRequest(first, { key, now, crypto, scheme }))).toBe('invalid_input')
      expect(await codeOf(verifyRequest(first, { keys: [key], now, crypto, scheme: rfc9421({ tag: 'other-app' }), required: ['@method'] }))).toBe('missing_signature')
    })
  })
}

describe('rfc9421 Content-Digest with several algorithms', () => {
  it('checks sha-256 and sha-512 over a stream body that can be read only once', async () => {
    const text = 'a body read once'
    const stream = () =>
      new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new TextEncoder().encode(text))
          c.close()
        },
      })
    const crypto = await backendNamed(BACKEND_NAMES[0]!)
    const s256 = await signRequest({ method: 'POST', url: 'https://x.test/a', body: text }, { key, now, crypto, scheme: rfc9421({ contentDigest: 'sha-256' }) })
    const s512 = await signRequest({ method: 'POST', url: 'https://x.test/a', body: text }, { key, now, crypto, scheme: rfc9421({ contentDigest: 'sha-512' }) })
    const both = `${s256.headers['content-digest']}, ${s512.headers['content-digest']}`
    const scheme = rfc9421({ components: ['@method', '@authority', '@path', 'content-digest'] })
    const signedBoth = await signRequest({ method: 'POST', url: 'https://x.test/a', headers: { 'content-digest': both }, body: text }, { key, now, crypto, scheme: rfc9421({ contentDigest: false, components: ['@method', '@authority', '@path', 'content-digest'] }) })
    const headers = { 'content-digest': both, ...signedBoth.headers }
    const v = await verifyRequest({ method: 'POST', url: 'https://x.test/a', headers, body: stream() }, { keys: [key], now, crypto, scheme })
    expect(v.covered).toContain('content-digest')
    expect(await codeOf(verifyRequest({ method: 'POST', url: 'https://x.test/a', headers, body: 'a body read twice' }, { keys: [key], now, crypto, scheme }))).toBe('digest_mismatch')
  })
})

describe('bodies signing has to produce', () => {
  it('encodes a FormData once and returns the multipart Blob and Content-Type to send', async () => {
    const crypto = await backendNamed(BACKEND_NAMES[0]!)
    const form = new FormData()
    form.append('title', 'line one\nline "two"')
    form.append('file', new File(['file content ✓'], 'notes.txt', { type: 'text/plain' }))
    const url = 'https://api.example.com/upload'
    const signed = await signRequest({ method: 'POST', url, headers: { 'content-type': 'multipart/form-data' }, body: form }, { key, now, crypto })
    expect(signed.body).toBeInstanceOf(Blob)
    expect(signed.headers['content-type']).toMatch(/^multipart\/form-data; boundary=----SignetFormBoundary/)
    const headers = { ...signed.headers }
    const v = await verifyRequest({ method: 'POST', url, headers, body: signed.body }, { keys: [key], now, crypto })
    expect(v.covered).toContain('content-type')
    // What is sent parses back to the same entries with the runtime's own multipart parser.
    const parsed = await new Response(signed.body as Blob, { headers: { 'content-type': signed.headers['content-type']! } }).formData()
    expect(parsed.get('title')).toBe('line one\r\nline "two"')
    const file = parsed.get('file') as File
    expect(file.name).toBe('notes.txt')
    expect(await file.text()).toBe('file content ✓')
  })

  it('buffers a one-shot stream before hashing it and returns its bytes to send', async () => {
    const crypto = await backendNamed(BACKEND_NAMES[0]!)
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('streamed '))
        c.enqueue(new TextEncoder().encode('body'))
        c.close()
      },
    })
    const url = 'https://api.example.com/s'
    const signed = await signRequest({ method: 'PUT', url, body: stream }, { key, now, crypto })
    expect(new TextDecoder().decode(signed.body as Uint8Array)).toBe('streamed body')
    const v = await verifyRequest({ method: 'PUT', url, headers: signed.headers, body: signed.body }, { keys: [key], now, crypto })
    expect(v.covered).toContain('content-digest')
  })
})
