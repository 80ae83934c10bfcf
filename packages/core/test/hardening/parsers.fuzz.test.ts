/**
 * Fuzzing the parsers a verifier runs on attacker-controlled headers: the Structured Field parser
 * (Signature-Input, Signature, Content-Digest) and each preset's header parser (SigV4
 * Authorization and presigned query, the custom schemes' templates, timestamps, nonces).
 * Arbitrary strings go into verifyRequest/verifyResponse as those headers: the only failures
 * allowed are SignetErrors, each call returns quickly, and oversized input is refused.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isSignetError } from '../../src/errors.ts'
import { memoryReplayStore } from '../../src/replay.ts'
import { signRequest, signResponse } from '../../src/sign.ts'
import { verifyRequest, verifyResponse } from '../../src/verify.ts'
import { assertNoSecret, errorTexts, now, PRESETS, preset, runs, SLOW, type Preset } from './support.ts'

const RUNS = runs(150)
/** Per call, on inputs of a few hundred characters: a call takes microseconds; this catches runaway work, not jitter. */
const MAX_MS = 1000
/**
 * Per call on a 1 MiB header: some verifiers must MAC it (a covered Content-Digest is part of the
 * signature base) or scan it once, which is linear; anything worse would take minutes.
 */
const MAX_MS_PER_MIB = 2000

/** The headers each preset's verifier parses. */
const PARSED: Record<string, readonly string[]> = {
  rfc9421: ['signature-input', 'signature', 'content-digest'],
  'rfc9421 (bytes secret, sha512)': ['signature-input', 'signature', 'content-digest'],
  sigv4: ['authorization', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token'],
  authorizationContentHmac: ['x-authorization-content-hmac', 'x-authorization-timestamp'],
  djangoHmac: ['authorization'],
  pipeCanonical: ['x-api-signature', 'x-request-timestamp'],
  aspnetWebApiHmac: ['authentication', 'timestamp'],
  bodyNonceHmac: ['x-api-signature', 'x-request-timestamp', 'x-request-nonce'],
  'bodyNonceHmac (bound)': ['x-api-signature', 'x-request-timestamp', 'x-request-nonce'],
}

/** Pieces of the formats, so that generated strings get past the first character often. */
const FRAGMENTS = [
  'sig1', 'sig2', '=', '(', ')', ' ', ',', ';', ':', '"', '\\', '*', '?1', '?0', '@', '%"', '%e2%9c%93', '-', '.', '1', '0', '1618884473', '9999999999999999',
  '1.5', '"@method"', '"@authority"', '"@path"', '"@query"', '"@status"', '"content-digest"', '"@query-param";name="a"', '"signature";req;key="sig1"',
  ';created=', ';expires=', ';keyid="hardening-key"', ';alg="hmac-sha256"', ';nonce="n"', ';tag="t"', ';sf', ';bs', ';req', ';key=', ':AAAA:', ':YWJj:',
  ':uzvJuGmHcRVCzk2bLbBKPXwzmYEo3BLwOgVeg1iFbuM=:', 'sha-256', 'sha-512', 'AWS4-HMAC-SHA256', ' Credential=', 'AKIDHARDENING/20231114/eu-west-3/execute-api/aws4_request',
  ', SignedHeaders=', 'host;x-amz-date', ', Signature=', 'UNSIGNED-PAYLOAD', 'STREAMING-', '20231114T221320Z', 'HMAC-SHA256 ', 'HMAC-SHA512 ', 'hardening-key',
  '2023-11-14T22:13:19.000+00:00', 'Z', '+00:00', 'Tuesday, November 14, 2023 10:13:20 PM', 'PM', '1700000000', '1700000000.5', 'deadbeef', 'ä', 'ÿ', '\t',
]
const fragmentsArb = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 24 }).map((parts) => parts.join(''))
const latin1Arb = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 120 })

/** A valid value with a few characters inserted, removed or replaced. */
function mutated(valid: string): fc.Arbitrary<string> {
  return fc
    .array(fc.tuple(fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.constantFrom(...'=;,:()" \\*?@%-.0189aAzZ'), fc.integer({ min: 1, max: 4 })), { minLength: 1, maxLength: 4 })
    .map((edits) => {
      let s = valid
      for (const [at, op, ch, n] of edits) {
        const i = s.length === 0 ? 0 : at % s.length
        if (op === 'insert') s = s.slice(0, i) + ch.repeat(n) + s.slice(i)
        else if (op === 'delete') s = s.slice(0, i) + s.slice(i + n)
        else s = s.slice(0, i) + ch + s.slice(i + 1)
      }
      return s
    })
}

function valueArb(valid: string | null): fc.Arbitrary<string> {
  const arbs: fc.Arbitrary<string>[] = [fragmentsArb, latin1Arb, fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 })]
  if (valid !== null) arbs.push(mutated(valid), mutated(valid))
  return fc.oneof(...arbs)
}

interface Signed {
  method: string
  url: string
  headers: Record<string, string>
  body: string
}

async function signedRequest(p: Preset): Promise<Signed> {
  const draft = { method: 'POST', url: 'https://api.example.com/orders/7?x=1&y=%C3%A9', headers: { 'content-type': 'application/json' }, body: '{"item":"book","qty":1}' }
  const signed = await signRequest(draft, { key: p.key, scheme: p.scheme, now })
  return { ...draft, headers: { ...draft.headers, ...signed.headers } }
}

/** Runs one verification: resolves with its outcome; fails the test on any non-SignetError or a slow call. */
async function probe(run: () => Promise<unknown>, what: string, maxMs = MAX_MS): Promise<string> {
  const started = performance.now()
  let result = 'accepted'
  try {
    await run()
  } catch (err) {
    if (!isSignetError(err)) throw new Error(`${what}: threw ${String(err)} (not a SignetError)`)
    assertNoSecret(what, errorTexts(err))
    result = err.code
  }
  const ms = performance.now() - started
  if (ms > maxMs) throw new Error(`${what}: took ${ms.toFixed(1)} ms`)
  return result
}

for (const p of PRESETS) {
  describe(`parsers: ${p.name}`, () => {
    for (const name of PARSED[p.name]!) {
      it(`arbitrary ${name} values fail only with SignetError, quickly`, async () => {
        const base = await signedRequest(p)
        const replayStore = memoryReplayStore()
        const codes = new Set<string>()
        await fc.assert(
          fc.asyncProperty(valueArb(base.headers[name] ?? null), fc.boolean(), async (value, store) => {
            const headers = { ...base.headers, [name]: value }
            const code = await probe(() => verifyRequest({ ...base, headers }, { keys: p.keys, scheme: p.scheme, now, ...(store ? { replayStore } : {}) }), `${p.name} ${name}=${JSON.stringify(value.slice(0, 80))}`)
            codes.add(code)
          }),
          { numRuns: RUNS },
        )
        expect(codes.size).toBeGreaterThan(0)
      }, SLOW)
    }

    if (p.responses) {
      it('arbitrary response signature headers fail only with SignetError, quickly', async () => {
        const request = await signedRequest(p)
        const res = { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' }
        const signed = await signResponse(res, { key: p.key, scheme: p.scheme, now, request })
        const names = Object.keys(signed.headers)
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...names), fc.string({ unit: 'grapheme-ascii', maxLength: 80 }), fragmentsArb, async (name, a, b) => {
            for (const value of [a, b, `${signed.headers[name]}${a}`]) {
              const headers = { ...res.headers, ...signed.headers, [name]: value }
              await probe(() => verifyResponse({ ...res, headers }, { keys: p.keys, scheme: p.scheme, now, request }), `${p.name} response ${name}=${JSON.stringify(value.slice(0, 80))}`)
            }
          }),
          { numRuns: Math.ceil(RUNS / 3) },
        )
      }, SLOW)
    }
  })
}

describe('parsers: SigV4 presigned query parameters', () => {
  it('arbitrary X-Amz-* query values fail only with SignetError, quickly', async () => {
    const p = preset('sigv4')
    const { presignRequest } = await import('../../src/schemes/sigv4/presign.ts')
    const url = await presignRequest({ method: 'GET', url: 'https://api.example.com/x?a=1' }, { key: p.key, region: 'eu-west-3', service: 'execute-api', now })
    const params = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token']
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...params), fc.oneof(fragmentsArb, latin1Arb, fc.string({ unit: 'grapheme', maxLength: 40 })), fc.boolean(), async (name, value, twice) => {
        const u = new URL(url.href)
        if (twice) u.searchParams.append(name, value)
        else u.searchParams.set(name, value)
        await probe(() => verifyRequest({ method: 'GET', url: u.href }, { keys: p.keys, scheme: p.scheme, now }), `presigned ${name}=${JSON.stringify(value)}`)
      }),
      { numRuns: RUNS },
    )
  }, SLOW)
})

describe('parsers: oversized input is refused', () => {
  const big = (n: number, unit = 'a'): string => unit.repeat(Math.ceil(n / unit.length)).slice(0, n)

  it('rfc9421: Signature-Input and Signature over 8192 characters, more than 16 signatures or 64 components', async () => {
    const p = preset('rfc9421')
    const base = await signedRequest(p)
    const input = base.headers['signature-input']!
    const sig = base.headers.signature!
    const inner = input.slice(input.indexOf('=') + 1)
    const mac = sig.slice(sig.indexOf('=') + 1)
    const labels = (n: number) => Array.from({ length: n }, (_, i) => `s${i}`)
    const cases: [string, Record<string, string>][] = [
      ['Signature-Input of 8193 characters', { 'signature-input': `${input}, pad=${big(8193 - input.length - 6, '("x")')}`.slice(0, 8193) }],
      ['Signature of 8193 characters', { signature: `${sig}, pad=:${big(8193 - sig.length - 8, 'AAAA')}:` }],
      ['Signature-Input of 1 MiB', { 'signature-input': big(1 << 20, `${input}, `) }],
      ['Signature of 1 MiB', { signature: big(1 << 20, `${sig}, `) }],
      ['17 signatures', { 'signature-input': labels(17).map((l) => `${l}=${inner}`).join(', '), signature: labels(17).map((l) => `${l}=${mac}`).join(', ') }],
      ['65 covered components', { 'signature-input': `sig1=(${Array.from({ length: 65 }, (_, i) => `"x-h-${i}"`).join(' ')});created=1700000000;keyid="hardening-key"` }],
      ['33 parameters', { 'signature-input': `${input}${Array.from({ length: 33 }, (_, i) => `;p${i}=1`).join('')}` }],
      ['a structured field nested too deep for its type', { 'signature-input': `sig1=${'('.repeat(200)}` }],
    ]
    for (const [what, change] of cases) {
      const code = await probe(() => verifyRequest({ ...base, headers: { ...base.headers, ...change } }, { keys: p.keys, now }), `rfc9421 ${what}`, MAX_MS_PER_MIB)
      expect(`${what}: ${code}`).toBe(`${what}: malformed_signature`)
    }
    // 16 signatures and 64 components are still parsed (the limits are not off by one).
    const at = {
      'signature-input': `${input}, ${labels(15).map((l) => `${l}=("@method")`).join(', ')}`,
      signature: `${sig}, ${labels(15).map((l) => `${l}=:AAAA:`).join(', ')}`,
    }
    expect(await probe(() => verifyRequest({ ...base, headers: { ...base.headers, ...at } }, { keys: p.keys, now, scheme: p.scheme }), '16 signatures')).toBe('accepted')
  }, SLOW)

  it('rfc9421: a signed Content-Digest over 8192 characters is refused after the MAC', async () => {
    const p = preset('rfc9421')
    const draft = { method: 'POST', url: 'https://api.example.com/up', headers: { 'content-digest': `sha-256=:AAAA:, x=${big(9000, '1')}` }, body: 'x' }
    // The signer replaces the digest it covers; cover a caller's own long Content-Digest through another header name instead.
    const scheme = (await import('../../src/schemes/rfc9421/index.ts')).rfc9421({ contentDigest: false, components: ['@method', '@authority', '@path', 'content-digest'] })
    const signed = await signRequest(draft, { key: p.key, scheme, now })
    const code = await probe(() => verifyRequest({ ...draft, headers: { ...draft.headers, ...signed.headers } }, { keys: p.keys, scheme, now }), 'long content-digest')
    expect(code).toBe('malformed_signature')
  }, SLOW)

  // Read only when the verifier is configured with a session token; otherwise just another header.
  const unparsed = new Set(['x-amz-security-token'])
  for (const p of PRESETS) {
    for (const name of PARSED[p.name]!.filter((n) => !unparsed.has(n))) {
      it(`${p.name}: ${name} of 9,000 characters and of 1 MiB`, async () => {
        const base = await signedRequest(p)
        for (const size of [9000, 1 << 20]) {
          const value = big(size, base.headers[name] ?? 'a')
          const code = await probe(
            () => verifyRequest({ ...base, headers: { ...base.headers, [name]: value } }, { keys: p.keys, scheme: p.scheme, now, replayStore: memoryReplayStore() }),
            `${p.name} ${name} of ${size} characters`,
            size > 10_000 ? MAX_MS_PER_MIB : MAX_MS,
          )
          expect(`${name} of ${size}: ${code}`).toMatch(/: (malformed_signature|signature_mismatch|unsupported_algorithm|missing_signature|not_yet_valid|expired|digest_mismatch)$/)
        }
      }, SLOW)
    }
  }

  it('custom schemes: a signature header over 8192 characters is refused before the template is matched', async () => {
    for (const p of PRESETS.filter((x) => !x.name.startsWith('rfc9421') && x.name !== 'sigv4')) {
      const base = await signedRequest(p)
      const header = PARSED[p.name]![0]!
      const code = await probe(() => verifyRequest({ ...base, headers: { ...base.headers, [header]: big(8193) } }, { keys: p.keys, scheme: p.scheme, now }), `${p.name} long ${header}`)
      expect(`${p.name}: ${code}`).toBe(`${p.name}: malformed_signature`)
    }
  }, SLOW)

  it("djangoHmac: the template's worst case (many spaces, one ';') stays fast at the length limit", async () => {
    const p = preset('djangoHmac')
    const base = await signedRequest(p)
    // The 256 KiB one took ~15 s before signature headers were limited to 8192 characters.
    for (const value of [`${big(8190, 'x ')};`, `${big(8190, ' ;')}`, `H ${big(8189, ';')}`, `${big(256 * 1024, 'x ')};`]) {
      const started = performance.now()
      const code = await probe(() => verifyRequest({ ...base, headers: { ...base.headers, authorization: value } }, { keys: p.keys, scheme: p.scheme, now }), 'django worst case', MAX_MS_PER_MIB)
      // Microseconds in fact; 8 KiB of O(n²) backtracking is ~15 ms, and 256 KiB was ~15 s.
      expect(performance.now() - started).toBeLessThan(250)
      expect(code).toMatch(/malformed_signature|unsupported_algorithm/)
    }
  }, SLOW)

  it('bodyNonceHmac: a nonce over 256 characters is not stored in the replay store', async () => {
    // The reference layout does not sign the nonce: without a limit, one captured request could
    // fill the store with megabyte-sized nonces.
    const p = preset('bodyNonceHmac')
    const base = await signedRequest(p)
    const replayStore = memoryReplayStore()
    for (const [nonce, expected] of [
      ['n'.repeat(256), 'accepted'],
      ['m'.repeat(257), 'malformed_signature'],
      ['z'.repeat(1 << 20), 'malformed_signature'],
    ] as const) {
      const code = await probe(() => verifyRequest({ ...base, headers: { ...base.headers, 'x-request-nonce': nonce } }, { keys: p.keys, scheme: p.scheme, now, replayStore }), 'long nonce')
      expect(`${nonce.length}: ${code}`).toBe(`${nonce.length}: ${expected}`)
    }
    expect(replayStore.size).toBe(1)
  }, SLOW)
})
