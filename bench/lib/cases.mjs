// Cases every runtime runs: Signet (built dist) and the peers that work everywhere
// (aws4fetch, @smithy/signature-v4 with @aws-crypto/sha256-js). Isomorphic: no node:*.
import { Sha256 } from '@aws-crypto/sha256-js'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'
import { AwsV4Signer } from 'aws4fetch'
import { ACCESS_KEY_ID, REGION, SECRET, SERVICE } from './fixtures.mjs'
import { liteSignRequest, memoryReplayStore, rfc9421, signRequest, signResponse, sigv4, verifyRequest, verifyResponse } from './signet.mjs'

export const KEY = { id: ACCESS_KEY_ID, secret: SECRET }
const V4 = sigv4 ? sigv4({ region: REGION, service: SERVICE }) : undefined
// rfc9421() with its defaults is what signRequest uses when no scheme is given; passing nothing
// measures the common call.
const RFC = rfc9421()

/** The message Signet signs: a fresh plain object per call, as a caller would build it. */
function message(req, body = req.body) {
  return { method: req.method, url: req.url, headers: req.headers, body }
}

/** The strings Signet MACs/hashes for this request, to size the limits exactly. */
export async function signetBases(req) {
  const rfc = await signRequest(message(req), { key: KEY })
  const out = { rfc9421Base: rfc.base }
  if (V4) {
    const v4 = await signRequest(message(req), { key: KEY, scheme: V4 })
    const lines = v4.base.split('\n')
    out.sigv4CanonicalRequest = lines.slice(0, -5).join('\n')
    out.sigv4StringToSign = lines.slice(-4).join('\n')
  }
  return out
}

/**
 * Fresh signed requests for verification, made outside the timed region (each is accepted once by
 * the replay store), with header values as a server parses them. SigV4 has no nonce: two signatures of the same request within one second
 * are identical, so each SigV4 request carries its own signed x-request-id.
 */
function signedPool(req, scheme) {
  const opts = scheme ? { key: KEY, scheme } : { key: KEY }
  let n = 0
  return async () => {
    const headers = scheme ? { ...req.headers, 'x-request-id': String(++n) } : req.headers
    const res = await signRequest({ method: req.method, url: req.url, headers, body: req.body }, opts)
    // As a server receives them: flat strings parsed off the wire. The signer's own header values are
    // concatenations (V8 ropes) that the first read would flatten, a cost no real verifier pays.
    return { method: req.method, url: req.url, headers: JSON.parse(JSON.stringify({ ...headers, ...res.headers })), body: req.body }
  }
}

export function signetCases(req) {
  const cases = []
  if (req.size === 'huge') {
    const bufferAll = { key: KEY, maxBufferedBodyBytes: req.bodyBytes.byteLength }
    const responseHeaders = { 'content-type': 'application/octet-stream' }
    let signed
    // Signed once, by the first (untimed) call that checks the case works.
    const signedResponseHeaders = async () => (signed ??= { ...responseHeaders, ...(await signResponse({ status: 200, headers: responseHeaders, body: req.bodyBytes }, { key: KEY })).headers })
    cases.push(
      { id: 'signet-rfc9421-blob', impl: 'signet', family: 'rfc9421', label: 'Signet rfc9421() Blob', fn: () => signRequest(message(req, req.blob), { key: KEY }) },
      // A stream has to be kept whole to be sent as signed (its digest goes in a header before the body),
      // so signRequest buffers it, up to maxBufferedBodyBytes: raised here to the body's size.
      { id: 'signet-rfc9421-stream', impl: 'signet', family: 'rfc9421', label: 'Signet rfc9421() ReadableStream (buffered to be sent: maxBufferedBodyBytes raised)', fn: () => signRequest(message(req, req.stream()), bufferAll) },
      // Verification reads a stream incrementally, in constant memory: a signed response with a streamed body.
      {
        id: 'signet-rfc9421-verify-stream',
        impl: 'signet',
        family: 'rfc9421',
        label: 'Signet rfc9421() verifyResponse, streamed body (incremental)',
        fn: async () => verifyResponse({ status: 200, headers: await signedResponseHeaders(), body: req.stream() }, { keys: [KEY] }),
      },
    )
    if (V4) {
      cases.push(
        { id: 'signet-sigv4-blob', impl: 'signet', family: 'sigv4', label: 'Signet sigv4() Blob', fn: () => signRequest(message(req, req.blob), { key: KEY, scheme: V4 }) },
        { id: 'signet-sigv4-stream', impl: 'signet', family: 'sigv4', label: 'Signet sigv4() ReadableStream (buffered to be sent: maxBufferedBodyBytes raised)', fn: () => signRequest(message(req, req.stream()), { ...bufferAll, scheme: V4 }) },
      )
    }
    return cases
  }
  cases.push({ id: 'signet-rfc9421', impl: 'signet', family: 'rfc9421', label: 'Signet rfc9421()', fn: () => signRequest(message(req), { key: KEY }) })
  // The same signature (byte-identical output) from the small entry: WebCrypto, no scheme machinery.
  cases.push({ id: 'signet-lite-sign', impl: 'signet', family: 'rfc9421', label: 'Signet @signet/core/sign', fn: () => liteSignRequest(message(req), { key: KEY }) })
  if (V4) cases.push({ id: 'signet-sigv4', impl: 'signet', family: 'sigv4', label: 'Signet sigv4()', fn: () => signRequest(message(req), { key: KEY, scheme: V4 }) })
  if (req.size === 'small') {
    const rfcStore = memoryReplayStore()
    const rfcVerify = { keys: [KEY], replayStore: rfcStore, scheme: RFC }
    cases.push({
      id: 'signet-rfc9421-verify',
      impl: 'signet',
      family: 'rfc9421',
      label: 'Signet rfc9421() verifyRequest + memoryReplayStore',
      param: signedPool(req, undefined),
      fn: (signed) => verifyRequest(signed, rfcVerify),
    })
    if (V4) {
      const v4Verify = { keys: [KEY], replayStore: memoryReplayStore(), scheme: V4 }
      cases.push({
        id: 'signet-sigv4-verify',
        impl: 'signet',
        family: 'sigv4',
        label: 'Signet sigv4() verifyRequest + memoryReplayStore',
        param: signedPool(req, V4),
        fn: (signed) => verifyRequest(signed, v4Verify),
      })
    }
  }
  return cases
}

const awsCredentials = { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET }

/** @smithy/signature-v4 with a given sha256 constructor; the request is built from the URL string per call, as a caller would. */
export function smithyCase(id, label, sha256, req) {
  // applyChecksum: false so that the canonical request has the same headers as Signet's and aws4's.
  const signer = new SignatureV4({ credentials: awsCredentials, region: REGION, service: SERVICE, sha256, applyChecksum: false })
  return {
    id,
    impl: 'peer',
    family: 'sigv4',
    label,
    fn: () => {
      const u = new URL(req.url)
      const query = {}
      for (const [k, v] of u.searchParams) query[k] = v
      const request = new HttpRequest({ method: req.method, protocol: u.protocol, hostname: u.hostname, path: u.pathname, query, headers: { host: u.host, ...req.headers }, body: req.body })
      return signer.sign(request)
    },
  }
}

export function isoPeerCases(req, { smithyJs = true } = {}) {
  const cases = []
  // AwsClient shares one derived-key cache across requests; pass one so AwsV4Signer does the same.
  const cache = new Map()
  cases.push({
    id: 'aws4fetch',
    impl: 'peer',
    family: 'sigv4',
    label: 'aws4fetch AwsV4Signer',
    fn: () => new AwsV4Signer({ url: req.url, method: req.method, headers: req.headers, body: req.body, ...awsCredentials, service: SERVICE, region: REGION, cache }).sign(),
  })
  if (smithyJs) cases.push(smithyCase('smithy-js', '@smithy/signature-v4 + @aws-crypto/sha256-js', Sha256, req))
  return cases
}
