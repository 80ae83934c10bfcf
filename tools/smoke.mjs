// Smoke test of the BUILT packages (dist/, through package exports) in Node, Deno and Bun:
// RFC 9421 Appendix B.2.5 must reproduce exactly, and a sign → verify round trip must hold.
import { readFileSync } from 'node:fs'
import { rfc9421, signRequest, verifyRequest } from '@signet/core'

const v = JSON.parse(readFileSync(new URL('../../shared/schemes/vectors/rfc9421-hmac-sha256.json', import.meta.url), 'utf8'))
const secret = Uint8Array.from(atob(v.shared_secret_b64), (c) => c.charCodeAt(0))
const request = {
  method: 'POST',
  url: 'https://example.com/foo?param=Value&Pet=dog',
  headers: { date: 'Tue, 20 Apr 2021 02:07:55 GMT', 'content-type': 'application/json' },
  body: '{"hello": "world"}',
}
const scheme = rfc9421({ label: v.label, components: v.covered_components, nonce: false, alg: false, contentDigest: false })
const signed = await signRequest(request, { key: { id: v.keyid, secret }, scheme, now: () => v.created * 1000 })
const runtime = typeof Deno !== 'undefined' ? 'deno' : typeof Bun !== 'undefined' ? 'bun' : 'node'
if (signed.headers.signature !== v.signature_header) {
  console.error(`smoke (${runtime}): B.2.5 signature differs: ${signed.headers.signature} != ${v.signature_header}`)
  process.exit(1)
}
const key = { id: 'k', secret: 'smoke secret' }
const mine = await signRequest(request, { key })
const verified = await verifyRequest({ ...request, headers: { ...request.headers, ...mine.headers } }, { keys: [key] })
if (verified.keyId !== 'k') process.exit(1)
console.log(`smoke (${runtime}): ok — RFC 9421 B.2.5 reproduced, sign → verify round trip holds`)
