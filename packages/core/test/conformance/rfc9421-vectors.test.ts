import { beforeAll, describe, expect, it } from 'vitest'
import { bodyReader } from '../../src/body.ts'
import { fromBase64 } from '../../src/canonicalize/encoding.ts'
import { isInnerList, parseDictionary } from '../../src/canonicalize/structured-fields.ts'
import { normalizeRequest, normalizeResponse, type MessageRequest, type MessageResponse } from '../../src/message.ts'
import { signatureBase } from '../../src/schemes/rfc9421/base.ts'
import { componentFromItem } from '../../src/schemes/rfc9421/components.ts'
import { contentDigest } from '../../src/schemes/rfc9421/digest.ts'
import { rfc9421 } from '../../src/schemes/rfc9421/index.ts'
import { signRequest } from '../../src/sign.ts'
import { verifyRequest } from '../../src/verify.ts'
import { BACKEND_NAMES, backendNamed } from '../support/backends.ts'
import { vectorJson } from '../support/vectors.ts'

interface BasesFile {
  request: MessageRequest & { url: string }
  response: MessageResponse
  response503: MessageResponse
  cases: { name: string; message: 'request' | 'response'; label: string; signature_input: string; signature_base: string }[]
}
interface HmacFile {
  shared_secret_b64: string
  keyid: string
  label: string
  test_request: string
  covered_components: string[]
  created: number
  signature_base: string
  signature_input_header: string
  signature_header: string
  content_digest: { body: string; 'sha-256'?: string; 'sha-512'?: string }[]
}

/** A raw HTTP/1.1 request (as printed in the RFC) as plain message data. */
function parseRawRequest(raw: string): MessageRequest {
  const [head, body] = raw.split('\r\n\r\n') as [string, string]
  const [start, ...lines] = head.split('\r\n')
  const [method, target] = start!.split(' ') as [string, string]
  const headers: [string, string][] = lines.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()])
  const host = headers.find(([n]) => n.toLowerCase() === 'host')![1]
  return { method, url: `https://${host}${target}`, headers, body }
}

describe('RFC 9421 signature bases (Appendix B.2.1–B.2.4)', () => {
  let file: BasesFile
  beforeAll(async () => {
    file = await vectorJson<BasesFile>('rfc9421-signature-bases.json')
  })

  it('reproduces every signature base byte for byte', () => {
    expect(file.cases.length).toBeGreaterThan(3)
    for (const c of file.cases) {
      const dict = parseDictionary(c.signature_input)
      const list = dict.get(c.label)!
      expect(isInnerList(list)).toBe(true)
      if (!isInnerList(list)) continue
      const components = list.items.map((item) => componentFromItem(item, 'malformed_signature'))
      const message = c.message === 'request' ? normalizeRequest(file.request) : normalizeResponse(file.response)
      expect(signatureBase(message, components, list.params, undefined)).toBe(c.signature_base)
    }
  })
})

describe('RFC 9421 Appendix B.2.5 (hmac-sha256) and RFC 9530 Content-Digest', () => {
  let v: HmacFile
  let request: MessageRequest
  const scheme = () => rfc9421({ label: v.label, components: v.covered_components, nonce: false, alg: false, contentDigest: false })
  const key = () => ({ id: v.keyid, secret: fromBase64(v.shared_secret_b64)! })
  beforeAll(async () => {
    v = await vectorJson<HmacFile>('rfc9421-hmac-sha256.json')
    request = parseRawRequest(v.test_request)
  })

  for (const backendName of BACKEND_NAMES) {
    it(`signs exactly as the RFC (${backendName})`, async () => {
      const crypto = await backendNamed(backendName)
      const signed = await signRequest(request, { key: key(), scheme: scheme(), now: () => v.created * 1000, crypto })
      expect(signed.base).toBe(v.signature_base)
      expect(signed.headers['signature-input']).toBe(v.signature_input_header)
      expect(signed.headers['signature']).toBe(v.signature_header)
    })

    it(`verifies the RFC's signature (${backendName})`, async () => {
      const crypto = await backendNamed(backendName)
      const headers = [...(request.headers as [string, string][]), ['Signature-Input', v.signature_input_header], ['Signature', v.signature_header]] as [string, string][]
      const verified = await verifyRequest(
        { ...request, headers },
        { keys: [key()], scheme: scheme(), now: () => v.created * 1000, required: v.covered_components, crypto },
      )
      expect(verified.keyId).toBe(v.keyid)
      expect(verified.covered).toEqual(v.covered_components)
      expect(verified.base).toBe(v.signature_base)
    })

    it(`computes the RFC 9530 Content-Digest values (${backendName})`, async () => {
      const crypto = await backendNamed(backendName)
      expect(v.content_digest.length).toBeGreaterThan(0)
      for (const d of v.content_digest) {
        const reader = bodyReader(normalizeRequest({ method: 'POST', url: 'https://x.test/', body: d.body }).body, crypto)
        if (d['sha-256']) expect(await contentDigest(reader, 'sha-256')).toBe(d['sha-256'])
        if (d['sha-512']) expect(await contentDigest(reader, 'sha-512')).toBe(d['sha-512'])
      }
    })
  }

  it('refuses the B.2.5 signature by default: it covers neither @method nor @path nor the body', async () => {
    const headers = [...(request.headers as [string, string][]), ['Signature-Input', v.signature_input_header], ['Signature', v.signature_header]] as [string, string][]
    await expect(verifyRequest({ ...request, headers }, { keys: [key()], scheme: scheme(), now: () => v.created * 1000 })).rejects.toMatchObject({
      code: 'insufficient_coverage',
    })
  })
})
