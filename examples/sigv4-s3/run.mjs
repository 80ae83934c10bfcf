// AWS Signature V4 against a local S3-compatible endpoint (s3-server.mjs) that verifies with
// Signet: PUT and GET an object signed with createSignedFetch + sigv4({ service: 's3' }), then a
// presigned GET URL used by plain fetch, a tampered one and an expired one.
// Run: node run.mjs   (exits 1 if anything does not behave as printed)
import assert from 'node:assert/strict'
import { isSignetError, presignRequest, sigv4, splitSigV4Base } from '@signet/core'
import { createSignedFetch } from '@signet/fetch'
import { startS3 } from './s3-server.mjs'

const region = 'us-east-1'
const credentials = { id: 'AKIAIOSFODNN7EXAMPLE', secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }
const s3 = await startS3({ region, credentials: new Map([[credentials.id, credentials.secret]]) })

const bases = []
const s3Fetch = createSignedFetch({ key: credentials, scheme: sigv4({ region, service: 's3' }), onSigned: ({ base }) => bases.push(base) })
const code = async (res) => /<Code>(\w+)<\/Code>/.exec(await res.text())?.[1]

try {
  // An object key with a space and a non-ASCII character: S3 signs the path as sent, escaped once.
  const objectUrl = `${s3.url}/example-bucket/reports/q1 résumé.csv`
  const csv = 'region,total\neu,1200\nus,3400\n'

  const put = await s3Fetch(objectUrl, { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: csv })
  console.log(`PUT ${new URL(objectUrl).pathname} → ${put.status} etag ${put.headers.get('etag')}`)
  assert.equal(put.status, 200, await put.clone().text())
  const { canonicalRequest, stringToSign } = splitSigV4Base(bases.at(-1))
  console.log('  canonical request:\n' + canonicalRequest.replace(/^/gm, '    '))
  console.log('  string to sign:\n' + stringToSign.replace(/^/gm, '    '))

  const get = await s3Fetch(objectUrl)
  const text = await get.text()
  console.log(`GET (Authorization header) → ${get.status}, ${text.length} bytes`)
  assert.equal(get.status, 200)
  assert.equal(text, csv)

  // A presigned URL: anyone holding it can GET the object, with no key, until it expires.
  const presigned = await presignRequest({ method: 'GET', url: objectUrl }, { key: credentials, region, service: 's3', expiresInSeconds: 600 })
  console.log(`presigned URL: ${presigned.href.replace(/(X-Amz-Signature=)\w+/, '$1…')}`)
  const viaUrl = await fetch(presigned)
  console.log(`GET (presigned URL, plain fetch) → ${viaUrl.status}`)
  assert.equal(viaUrl.status, 200)
  assert.equal(await viaUrl.text(), csv)

  // The same URL pointed at another object: the signature covers the path.
  const other = new URL(presigned)
  other.pathname = '/example-bucket/reports/q2.csv'
  const tampered = await fetch(other)
  const tamperedCode = await code(tampered)
  console.log(`the presigned URL with another object key → ${tampered.status} ${tamperedCode}`)
  assert.equal(tampered.status, 403)
  assert.equal(tamperedCode, 'SignatureDoesNotMatch')

  // A URL signed two minutes ago for 60 seconds.
  const old = await presignRequest({ method: 'GET', url: objectUrl }, { key: credentials, region, service: 's3', expiresInSeconds: 60, now: () => Date.now() - 120_000 })
  const expired = await fetch(old)
  const expiredCode = await code(expired)
  console.log(`a presigned URL that expired a minute ago → ${expired.status} ${expiredCode} (${expired.headers.get('x-signet-code')})`)
  assert.equal(expired.status, 403)
  assert.equal(expired.headers.get('x-signet-code'), 'expired')

  // Header-signed PUT whose body is changed on the way: x-amz-content-sha256 no longer matches.
  const lying = createSignedFetch({
    key: credentials,
    scheme: sigv4({ region, service: 's3' }),
    fetch: async (request) => fetch(request.url, { method: request.method, headers: request.headers, body: (await request.text()).replace('1200', '9200') }),
  })
  const changed = await lying(objectUrl, { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: csv })
  const changedCode = await code(changed)
  console.log(`a PUT whose body was changed after signing → ${changed.status} ${changedCode}`)
  assert.equal(changed.status, 400)
  assert.equal(changedCode, 'XAmzContentSHA256Mismatch')

  console.log('sigv4-s3 example: ok')
} catch (err) {
  console.error('sigv4-s3 example failed:', isSignetError(err) ? `${err.code}: ${err.message}` : err)
  process.exitCode = 1
} finally {
  await s3.close()
}
