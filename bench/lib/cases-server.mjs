// Node, Deno and Bun: the limits (node:crypto, the runtime's fastest primitive, synchronous) and
// the peers that need node:crypto (hawk, aws4, http-message-signatures, smithy's Node hash).
import { Buffer } from 'node:buffer'
import * as nodeCrypto from 'node:crypto'
import { createHash, createHmac, randomBytes } from 'node:crypto'
import aws4 from 'aws4'
import Hawk from 'hawk'
import { createSigner, httpbis } from 'http-message-signatures'
import { isoPeerCases, smithyCase } from './cases.mjs'
import { ACCESS_KEY_ID, REGION, SECRET, SERVICE } from './fixtures.mjs'
import { Hash } from './smithy-hash-node.mjs'

const SECRET_BUF = Buffer.from(SECRET)

/**
 * The limits are node:crypto's `createHmac`/`createHash`, but those are not the fastest
 * primitive everywhere, and Signet uses the faster ones (packages/core/src/crypto/node.ts): on Deno,
 * keyed inner/outer `Hash.copy()` states (RFC 2104), twice its `createHmac`; on Bun, a keyed
 * `Bun.CryptoHasher` copied per call and `Bun.SHA256.hash`, 2.2× and 2.4× its node:crypto; on Node,
 * the one-shot `crypto.hash()` for in-memory SHA-256. These extra "fastest" limits show that floor
 * next to the issue's; the SHA-256 of a body (T4) is always the fastest one.
 */
const BUN = globalThis.Bun
const DENO = !BUN && typeof globalThis.Deno === 'object'

function fastestHmac(key) {
  if (BUN) {
    const keyed = new BUN.CryptoHasher('sha256', key)
    return (data, encoding) => keyed.copy().update(data).digest(encoding)
  }
  const k = new Uint8Array(64)
  k.set(key.byteLength > 64 ? createHash('sha256').update(key).digest() : key)
  const inner = createHash('sha256').update(k.map((b) => b ^ 0x36))
  const outer = createHash('sha256').update(k.map((b) => b ^ 0x5c))
  return (data, encoding) => outer.copy().update(inner.copy().update(data).digest()).digest(encoding)
}

// Node's one-shot crypto.hash() (20.12+) is its fastest in-memory SHA-256 (no Hash object; Signet
// uses it); Deno's is slower than its createHash.
const NODE_ONE_SHOT = !BUN && !DENO && typeof nodeCrypto.hash === 'function'
const fastestSha256 = BUN
  ? (data, encoding) => BUN.SHA256.hash(data, encoding)
  : NODE_ONE_SHOT
    ? (data, encoding = 'buffer') => nodeCrypto.hash('sha256', data, encoding)
    : (data, encoding) => createHash('sha256').update(data).digest(encoding)
const SHA256_NAME = BUN ? 'Bun.SHA256.hash' : NODE_ONE_SHOT ? 'crypto.hash' : 'createHash'
const FASTEST = BUN ? 'Bun.CryptoHasher, Bun.SHA256' : DENO ? 'keyed Hash.copy()' : 'createHmac, crypto.hash'

/** HMAC(k, data) the SigV4 way, to derive the cached signing key once (the limit assumes it cached). */
function sigv4SigningKey(shortDate) {
  let k = Buffer.from('AWS4' + SECRET)
  for (const part of [shortDate, REGION, SERVICE, 'aws4_request']) k = createHmac('sha256', k).update(part).digest()
  return k
}

export function serverLimitCases(req, bases) {
  const cases = []
  const base = bases.rfc9421Base
  // One HMAC-SHA256 over a string as long as Signet's signature base (its actual text); not for the
  // huge body, where it is noise next to the hash.
  if (req.size !== 'huge') cases.push({ id: 'limit-mac', impl: 'limit', family: 'raw', label: `1 × createHmac over ${base.length} chars`, fn: () => createHmac('sha256', SECRET_BUF).update(base).digest() })
  if ((BUN || DENO) && req.size !== 'huge') {
    const hmac = fastestHmac(SECRET_BUF)
    cases.push({ id: 'limit-mac-fastest', impl: 'limit', family: 'raw', label: `1 × HMAC (${FASTEST}) over ${base.length} chars`, fn: () => hmac(base) })
  }
  if (req.bodyBytes) {
    const body = req.bodyBytes
    // The fastest SHA-256 of the runtime (T4 is "within 5% of the fastest SHA-256").
    cases.push({ id: 'limit-sha256', impl: 'limit', family: 'raw', label: `${SHA256_NAME} over the ${body.byteLength} body bytes`, fn: () => fastestSha256(body) })
    if (req.size !== 'huge') {
      cases.push({
        id: 'limit-rfc9421',
        impl: 'limit',
        family: 'raw',
        label: 'SHA-256(body) + 1 HMAC (RFC 9421 minimum)',
        fn: () => {
          fastestSha256(body)
          return createHmac('sha256', SECRET_BUF).update(base).digest()
        },
      })
    }
  }
  if (bases.sigv4CanonicalRequest) {
    const canonical = bases.sigv4CanonicalRequest
    const sts = bases.sigv4StringToSign
    const signingKey = sigv4SigningKey(sts.split('\n')[1].slice(0, 8))
    const body = req.bodyBytes
    cases.push({
      id: 'limit-sigv4',
      impl: 'limit',
      family: 'raw',
      label: 'SigV4 minimum: [SHA-256(body)] + SHA-256(canonical request) + 1 HMAC, derived key cached',
      fn: () => {
        if (body) createHash('sha256').update(body).digest('hex')
        createHash('sha256').update(canonical).digest('hex')
        return createHmac('sha256', signingKey).update(sts).digest('hex')
      },
    })
    if (req.size !== 'huge') {
      const hmac = BUN || DENO ? fastestHmac(signingKey) : (data, encoding) => createHmac('sha256', signingKey).update(data).digest(encoding)
      cases.push({
        id: 'limit-sigv4-fastest',
        impl: 'limit',
        family: 'raw',
        label: `SigV4 minimum with ${FASTEST}`,
        fn: () => {
          if (body) fastestSha256(body, 'hex')
          fastestSha256(canonical, 'hex')
          return hmac(sts, 'hex')
        },
      })
    }
  }
  if (req.size === 'huge') {
    // The fastest way found to read a Blob in these runtimes: 1 MiB slice().arrayBuffer() (faster
    // than blob.stream(), a BYOB reader, or 256 KiB / 4 MiB slices). Every way copies the bytes out.
    cases.push({
      id: 'limit-read-blob',
      impl: 'limit',
      family: 'raw',
      label: 'read the Blob (1 MiB slice().arrayBuffer()) into createHash',
      fn: async () => {
        const h = createHash('sha256')
        const blob = req.blob
        for (let at = 0; at < blob.size; at += 1 << 20) h.update(new Uint8Array(await blob.slice(at, at + (1 << 20)).arrayBuffer()))
        return h.digest()
      },
    })
    cases.push({
      id: 'limit-read-stream',
      impl: 'limit',
      family: 'raw',
      label: 'read the ReadableStream into createHash',
      fn: async () => {
        const h = createHash('sha256')
        const reader = req.stream().getReader()
        for (;;) {
          const { done, value } = await reader.read()
          if (done) break
          h.update(value)
        }
        return h.digest()
      },
    })
  }
  return cases
}

const hawkCredentials = { id: ACCESS_KEY_ID, key: SECRET, algorithm: 'sha256' }
const hmsKey = createSigner(SECRET, 'hmac-sha256', ACCESS_KEY_ID)

export function serverPeerCases(req) {
  const body = req.body
  const huge = req.size === 'huge'
  const cases = []
  cases.push({
    id: 'hawk',
    impl: 'peer',
    family: 'rfc9421',
    label: 'hawk client.header',
    fn: () => Hawk.client.header(req.url, req.method, body === undefined ? { credentials: hawkCredentials } : { credentials: hawkCredentials, payload: body, contentType: req.headers['content-type'] }),
  })
  cases.push({
    id: 'http-message-signatures',
    impl: 'peer',
    family: 'rfc9421',
    label: 'http-message-signatures signMessage (+ Content-Digest by createHash)',
    fn: () => {
      const headers = { ...req.headers }
      const fields = ['@method', '@authority', '@path']
      if (req.url.includes('?')) fields.push('@query')
      if (headers['content-type']) fields.push('content-type')
      if (body !== undefined) {
        // The library leaves Content-Digest to the caller (RFC 9530), as Signet computes it.
        headers['content-digest'] = `sha-256=:${createHash('sha256').update(body).digest('base64')}:`
        fields.push('content-digest')
      }
      return httpbis.signMessage(
        { key: hmsKey, fields, params: ['created', 'keyid', 'alg', 'nonce'], paramValues: { nonce: randomBytes(16).toString('base64url') } },
        { method: req.method, url: req.url, headers },
      )
    },
  })
  cases.push({
    id: 'aws4',
    impl: 'peer',
    family: 'sigv4',
    label: 'aws4.sign',
    fn: () => {
      const u = new URL(req.url)
      return aws4.sign({ host: u.host, path: u.pathname + u.search, method: req.method, headers: { ...req.headers }, body, service: SERVICE, region: REGION }, { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET })
    },
  })
  cases.push(smithyCase('smithy-node', '@smithy/signature-v4 + Node hash (@smithy/hash-node)', Hash.bind(null, 'sha256'), req))
  // sha256-js hashes at JS speed: minutes for the huge body, so it stops at 1 MiB.
  cases.push(...isoPeerCases(req, { smithyJs: !huge }))
  return cases
}
