// A tiny S3-compatible endpoint (path-style: /<bucket>/<key>, PUT and GET object, in memory) that
// authenticates every request with AWS Signature V4 through Signet, as S3 does: Authorization
// header or presigned URL, body checked against x-amz-content-sha256. Errors are S3's XML.
import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import { isSignetError, sigv4, verifyRequest } from '@signet/core'

// Signet's error codes, as S3 reports them.
const S3_ERRORS = {
  unknown_key: [403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'],
  signature_mismatch: [403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'],
  expired: [403, 'AccessDenied', 'Request has expired'],
  not_yet_valid: [403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.'],
  digest_mismatch: [400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed."],
  missing_signature: [403, 'AccessDenied', 'Access Denied'],
}

const xml = (code, message) => `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`

/** `credentials`: access key id → secret access key. */
export async function startS3({ region, credentials }) {
  // S3 defaults: the path is not escaped twice nor normalized, the payload hash travels in
  // x-amz-content-sha256, and presigned URLs sign UNSIGNED-PAYLOAD. No replay store: like S3, a
  // presigned URL works until it expires.
  const scheme = sigv4({ region, service: 's3' })
  const keys = (id) => (credentials.has(id) ? { id, secret: credentials.get(id) } : undefined)
  const objects = new Map()

  const server = createServer(async (req, res) => {
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const body = Buffer.concat(chunks)
    const request = { method: req.method, url: `http://${req.headers.host}${req.url}`, headers: req.headers, body: body.byteLength > 0 ? body : undefined }
    const send = (status, headers, payload) => res.writeHead(status, headers).end(payload)
    try {
      await verifyRequest(request, { keys, scheme })
    } catch (err) {
      if (!isSignetError(err)) throw err
      const [status, code, message] = S3_ERRORS[err.code] ?? [403, 'AccessDenied', 'Access Denied']
      // A real S3 also returns the canonical request it computed for SignatureDoesNotMatch.
      const extra = err.code === 'signature_mismatch' && err.details.base ? `<CanonicalRequest>${err.details.base.split('\n\n')[0]}</CanonicalRequest>` : ''
      return send(status, { 'content-type': 'application/xml', 'x-signet-code': err.code }, xml(code, message).replace('</Error>', `${extra}</Error>`))
    }
    const path = decodeURIComponent(new URL(request.url).pathname)
    if (req.method === 'PUT') {
      const etag = `"${createHash('md5').update(body).digest('hex')}"`
      objects.set(path, { body, type: req.headers['content-type'] ?? 'application/octet-stream', etag })
      return send(200, { etag }, '')
    }
    if (req.method === 'GET') {
      const object = objects.get(path)
      if (!object) return send(404, { 'content-type': 'application/xml' }, xml('NoSuchKey', 'The specified key does not exist.'))
      return send(200, { 'content-type': object.type, etag: object.etag, 'content-length': object.body.byteLength }, object.body)
    }
    send(405, { 'content-type': 'application/xml' }, xml('MethodNotAllowed', 'The specified method is not allowed against this resource.'))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) }
}
