import { describe, expect, it } from 'vitest'
import { bodyReader } from '../../body.ts'
import type { CryptoBackend } from '../../crypto/backend.ts'
import { nobleBackend } from '../../crypto/noble.ts'
import { isSignetError } from '../../errors.ts'
import { defaultBackend } from '#crypto-default'
import type { BodySource } from '../../message.ts'
import { checkContentDigest } from './digest.ts'

/**
 * RFC 9530 Content-Digest checks. The field Signet writes (one algorithm, canonical base64) is
 * compared as text; every other form goes through the Structured Fields parser. Both must accept
 * exactly the fields whose digests are the body's, on every backend and body kind. Expected
 * digests are RFC 9530 Appendix D's for `{"hello": "world"}\n`.
 */
const body = new TextEncoder().encode('{"hello": "world"}\n')
const SHA256 = 'RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg='
const SHA512 = 'YMAam51Jz/jOATT6/zvHrLVgOYTGFy1d6GJiOHTohq4yP+pgk4vf2aCsyRZOtw8MjkM7iw7yZ/WkppmM44T3qg=='

const backends: [string, CryptoBackend][] = [
  ['default', defaultBackend()],
  ['noble', nobleBackend],
]
const sources: [string, () => BodySource][] = [
  ['bytes', () => ({ kind: 'bytes', bytes: body })],
  ['text', () => ({ kind: 'bytes', bytes: body, text: new TextDecoder().decode(body) })],
  ['blob', () => ({ kind: 'blob', blob: new Blob([body]) })],
  ['stream', () => ({ kind: 'stream', stream: () => new Blob([body]).stream() })],
]

async function outcome(field: string, source: BodySource, backend: CryptoBackend): Promise<string> {
  try {
    await checkContentDigest(field, bodyReader(source, backend))
    return 'ok'
  } catch (err) {
    if (isSignetError(err)) return err.code
    throw err
  }
}

const cases: [string, string][] = [
  [`sha-256=:${SHA256}:`, 'ok'],
  [`sha-512=:${SHA512}:`, 'ok'],
  // The same bytes written otherwise: the parser decides.
  [`sha-256=:${SHA256.replace(/=+$/, '')}:`, 'ok'],
  [`sha-256=:${SHA256}:, sha-512=:${SHA512}:`, 'ok'],
  [`md5=:AAAA:, sha-256=:${SHA256}:`, 'ok'],
  [`sha-256=:${SHA256}:;p`, 'ok'],
  // A different digest, wherever it is.
  [`sha-256=:${SHA512}:`, 'digest_mismatch'],
  [`sha-256=:${SHA256.replace('R', 'S')}:`, 'digest_mismatch'],
  [`sha-256=:${SHA256}:, sha-512=:${SHA256}:`, 'digest_mismatch'],
  [`sha-512=:${SHA512.slice(0, -4)}:`, 'digest_mismatch'],
  // Not a digest Signet can check.
  ['sha-256=:', 'malformed_signature'],
  [`sha-256=:${SHA256}`, 'malformed_signature'],
  ['sha-256=abc', 'malformed_signature'],
  ['md5=:AAAA:', 'unsupported_algorithm'],
]

describe('checkContentDigest', () => {
  for (const [backendName, backend] of backends) {
    for (const [sourceName, source] of sources) {
      it(`${backendName} backend, ${sourceName} body: accepts exactly the fields that are the body's digests`, async () => {
        const got = []
        for (const [field] of cases) got.push([field, await outcome(field, source(), backend)])
        expect(got).toEqual(cases)
      })
    }
  }

  it('the field Signet writes is checked without a promise for an in-memory body on a synchronous backend', () => {
    const backend = defaultBackend()
    if (backend.name !== 'node') return
    expect(checkContentDigest(`sha-256=:${SHA256}:`, bodyReader({ kind: 'bytes', bytes: body }, backend))).toBeUndefined()
  })
})
