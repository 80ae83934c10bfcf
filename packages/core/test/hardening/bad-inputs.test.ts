/**
 * Every row of the bad-input table is refused with a SignetError (never a TypeError from inside
 * the library) carrying the row's code, and neither the error nor anything it carries shows a
 * secret. docs/errors.md is generated from the same table and must be up to date.
 */
import { describe, expect, it } from 'vitest'
import { SignetError } from '../../src/errors.ts'
import { BAD_INPUTS } from './bad-inputs.ts'
import { generatedSection, renderBadInputTable } from './errors-doc.ts'
import { toBase64 } from '../../src/canonicalize/encoding.ts'
import { rfc9421 } from '../../src/schemes/rfc9421/index.ts'
import { signRequest } from '../../src/sign.ts'
import { verifyRequest } from '../../src/verify.ts'
import { assertNoSecret, caught, errorTexts, KEY_ID, now, SECRET_TEXT } from './support.ts'

const isBrowser = typeof window !== 'undefined' && typeof document !== 'undefined'

async function readErrorsPage(): Promise<string> {
  const url = new URL('../../../../docs/errors.md', import.meta.url)
  if (isBrowser) {
    const res = await fetch(url)
    if (!res.ok) throw new Error(`docs/errors.md: HTTP ${res.status}`)
    return res.text()
  }
  const { readFile } = await import('node:fs/promises')
  const { fileURLToPath } = await import('node:url')
  return readFile(fileURLToPath(url), 'utf8')
}

describe('bad inputs', () => {
  it('the table has at least 40 distinct rows', () => {
    expect(BAD_INPUTS.length).toBeGreaterThan(39)
    expect(new Set(BAD_INPUTS.map((r) => `${r.group}: ${r.name}`)).size).toBe(BAD_INPUTS.length)
  })

  for (const row of BAD_INPUTS) {
    it(`${row.group}: ${row.name} → ${row.code}`, async () => {
      const err = await caught(() => row.run())
      if (!(err instanceof SignetError)) throw new Error(`expected a SignetError ${row.code}, got ${err === undefined ? 'no error' : String(err)}`)
      expect(err).toBeInstanceOf(SignetError)
      expect(`${err.code}: ${err.message}`).toMatch(new RegExp(`^${row.code}: `))
      expect(err.message.length).toBeGreaterThan(10)
      assertNoSecret(row.name, errorTexts(err))
    })
  }

  it('a Content-Digest member named after an Object property ("constructor") is an unknown algorithm, ignored (RFC 9530)', async () => {
    const key = { id: KEY_ID, secret: SECRET_TEXT }
    const body = '{"a":1}'
    const digest = `constructor=:AAAA:, sha-256=:${toBase64(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body))))}:`
    const scheme = rfc9421({ contentDigest: false, components: ['@method', '@authority', '@path', 'content-digest'] })
    const request = { method: 'POST', url: 'https://api.example.com/orders', headers: { 'content-digest': digest }, body }
    const signed = await signRequest(request, { key, scheme, now })
    const verified = await verifyRequest({ ...request, headers: { ...request.headers, ...signed.headers } }, { keys: [key], scheme, now })
    expect(verified.covered).toContain('content-digest')
    const changed = await caught(() => verifyRequest({ ...request, body: '{"a":2}', headers: { ...request.headers, ...signed.headers } }, { keys: [key], scheme, now }))
    expect((changed as SignetError).code).toBe('digest_mismatch')
  })

  it('docs/errors.md shows the table as it is (regenerate: bun packages/core/test/hardening/print-errors-doc.ts --write)', async () => {
    const page = await readErrorsPage()
    expect(generatedSection(page) === renderBadInputTable()).toBe(true)
  })
})
