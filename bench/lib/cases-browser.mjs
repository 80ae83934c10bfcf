// Chromium: the limits are WebCrypto calls, awaited, with the key imported once (what a page can
// do at best); the peers are the ones that run in a browser without Node polyfills.
import { sha256 } from '@noble/hashes/sha2.js'
import { isoPeerCases } from './cases.mjs'
import { REGION, SECRET, SERVICE } from './fixtures.mjs'

const subtle = globalThis.crypto.subtle
const enc = new TextEncoder()
const hmacKey = (raw) => subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])

async function sigv4SigningKey(shortDate) {
  let k = enc.encode('AWS4' + SECRET)
  for (const part of [shortDate, REGION, SERVICE, 'aws4_request']) k = new Uint8Array(await subtle.sign('HMAC', await hmacKey(k), enc.encode(part)))
  return hmacKey(k)
}

export async function browserLimitCases(req, bases) {
  const cases = []
  const key = await hmacKey(enc.encode(SECRET))
  const base = enc.encode(bases.rfc9421Base)
  if (req.size !== 'huge') cases.push({ id: 'limit-mac', impl: 'limit', family: 'raw', label: `1 × awaited subtle.sign over ${base.byteLength} bytes (key imported once)`, fn: () => subtle.sign('HMAC', key, base) })
  const body = req.bodyBytes
  if (body) {
    cases.push({ id: 'limit-sha256', impl: 'limit', family: 'raw', label: `1 × awaited subtle.digest over the ${body.byteLength} body bytes`, fn: () => subtle.digest('SHA-256', body) })
    if (req.size !== 'huge') {
      cases.push({
        id: 'limit-rfc9421',
        impl: 'limit',
        family: 'raw',
        label: 'subtle.digest(body) + subtle.sign (RFC 9421 minimum)',
        fn: async () => {
          await subtle.digest('SHA-256', body)
          return subtle.sign('HMAC', key, base)
        },
      })
    }
  }
  if (bases.sigv4CanonicalRequest) {
    const canonical = enc.encode(bases.sigv4CanonicalRequest)
    const sts = enc.encode(bases.sigv4StringToSign)
    const signingKey = await sigv4SigningKey(bases.sigv4StringToSign.split('\n')[1].slice(0, 8))
    cases.push({
      id: 'limit-sigv4',
      impl: 'limit',
      family: 'raw',
      label: 'SigV4 minimum: [digest(body)] + digest(canonical request) + sign, derived key cached',
      fn: async () => {
        if (body) await subtle.digest('SHA-256', body)
        await subtle.digest('SHA-256', canonical)
        return subtle.sign('HMAC', signingKey, sts)
      },
    })
  }
  if (req.size === 'huge') {
    // WebCrypto has no incremental hash: hashing a Blob/stream in constant memory takes a JS SHA-256.
    cases.push({
      id: 'limit-noble-stream',
      impl: 'limit',
      family: 'raw',
      label: 'read the ReadableStream into @noble/hashes sha256 (JS, incremental)',
      fn: async () => {
        const h = sha256.create()
        const reader = req.stream().getReader()
        for (;;) {
          const { done, value } = await reader.read()
          if (done) break
          h.update(value)
        }
        return h.digest()
      },
    })
    cases.push({
      id: 'limit-read-blob',
      impl: 'limit',
      family: 'raw',
      label: 'blob.arrayBuffer() then subtle.digest (whole body in memory)',
      fn: async () => subtle.digest('SHA-256', await req.blob.arrayBuffer()),
    })
  }
  return cases
}

export function browserPeerCases(req) {
  // smithy + sha256-js hashes at JS speed; the huge body would take minutes.
  return isoPeerCases(req, { smithyJs: req.size !== 'huge' })
}
