import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { isSignetError } from '../../errors.ts'
import { normalizeRequest } from '../../message.ts'
import { selectSignature, type SelectedSignature, type Selector } from './fields.ts'

/**
 * The single-signature scanner must read exactly what the Structured Fields parser reads. A
 * trailing SP is valid after a Dictionary (RFC 8941 §4.2 step 6) and is outside the scanner's
 * form, so `field + ' '` sends the same field through the full parser: the two must agree, on
 * valid and invalid input alike.
 */

const DEFAULT: Selector = { label: 'sig1', explicit: false, tag: undefined }

function select(input: string, sig: string, selector: Selector = DEFAULT): SelectedSignature {
  const message = normalizeRequest({ method: 'GET', url: 'https://example.com/', headers: { 'signature-input': input, signature: sig } })
  return selectSignature(message, selector)
}

type Outcome = { ok: true; label: string; ids: readonly string[]; covered: readonly string[]; params: unknown[]; signatureParams: string; mac: number[]; flags: boolean[] } | { ok: false; code: string }

function outcome(fn: () => SelectedSignature): Outcome {
  try {
    const s = fn()
    const { list } = s
    return {
      ok: true,
      label: s.label,
      ids: list.ids,
      covered: list.covered,
      params: [...s.params],
      signatureParams: s.signatureParams,
      mac: [...s.mac],
      flags: [list.coversQuery, list.coversDigest, list.coversRequest, list.duplicate !== undefined],
    }
  } catch (err) {
    if (!isSignetError(err)) throw err
    return { ok: false, code: err.code }
  }
}

// Pieces of Signature-Input, canonical and not: what signers write, and what they get wrong. The
// canonical ones are drawn more often, so that most fields take the scanner's path.
const weighted = <T,>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 4 }, { arbitrary: bad, weight: 1 })
const component = weighted(
  fc.constantFrom('"@method"', '"@authority"', '"@path"', '"@query"', '"@target-uri"', '"content-type"', '"content-digest"', '"content-digest";req', '"signature";req;key="sig1"', '"@query-param";name="id"'),
  fc.constantFrom('"@query-param";name="a)b"', '"@query-param";name="q\\"x"', '"@bogus"', '"Content-Type"', '"x-a";bs', '"x-a";sf', '"x-a";zz', 'token', '1', '"@path" '),
)
const listSep = fc.constantFrom(' ', ' ', ' ', '  ')
const param = weighted(
  fc.oneof(
    fc.integer({ min: 0, max: 2 ** 40 }).map((n) => `;created=${n}`),
    fc.integer({ min: 0, max: 2 ** 40 }).map((n) => `;expires=${n}`),
    fc.constantFrom(';keyid="client-1"', ';keyid=""', ';alg="hmac-sha256"', ';alg="hmac-sha512"', ';nonce="Zm9vYmFy-_"', ';nonce="~ !;="', ';tag="app"', ';created=0'),
  ),
  fc.constantFrom(
    ';keyid="a\\"b"',
    ';keyid="a\\\\b"',
    ';keyid=token',
    ';created=0123',
    ';created=00',
    ';created=-5',
    ';created=1.5',
    ';created=1234567890123456',
    ';created=?1',
    ';created',
    '; created=1',
    ';Created=1',
    ';x=:AAAA:',
    ';created=1;created=2',
    ';keyid="\u00e9"',
    ';keyid="a',
  ),
)
const labels = fc.constantFrom('sig1', 'sig1', 'sig-b', 'a*', 'Sig', '1sig')
const mac = fc.uint8Array({ minLength: 0, maxLength: 70 }).map((b) => btoa(String.fromCharCode(...b)))
const fields = fc
  .record({
    label: labels,
    items: fc.array(component, { maxLength: 7 }),
    seps: fc.array(listSep, { minLength: 7, maxLength: 7 }),
    params: fc.array(param, { maxLength: 7 }),
    more: weighted(fc.constant(''), fc.constantFrom(', sig2=("@method");keyid="k"', ',sig1=("@path")')),
    sigLabel: weighted(fc.constant(undefined), labels),
    b64: mac,
    shape: weighted(fc.constantFrom('plain', 'unpadded'), fc.constantFrom('bad-char', 'param', 'second', 'empty')),
  })
  .map(({ label, items, seps, params, more, sigLabel = label, b64, shape }) => {
    const input = `${label}=(${items.map((c, i) => (i === 0 ? c : seps[i] + c)).join('')})${params.join('')}${more}`
    const sig = {
      plain: `${sigLabel}=:${b64}:`,
      unpadded: `${sigLabel}=:${b64.replace(/=+$/, '')}:`,
      'bad-char': `${sigLabel}=:${b64}*:`,
      param: `${sigLabel}=:${b64}:;x`,
      second: `${sigLabel}=:${b64}:, sig2=:AAAA:`,
      empty: `${sigLabel}=:`,
    }[shape]!
    return [input, sig] as const
  })
const selector = fc.constantFrom<Selector>(DEFAULT, { label: 'sig1', explicit: true, tag: undefined }, { label: 'sig-b', explicit: true, tag: undefined }, { label: 'sig1', explicit: false, tag: 'app' })

describe('rfc9421 Signature-Input and Signature reading', () => {
  it('the scanner and the Structured Fields parser agree on every field (property)', () => {
    fc.assert(
      fc.property(fields, selector, ([input, sig], sel) => {
        expect(outcome(() => select(input, sig, sel))).toEqual(outcome(() => select(`${input} `, `${sig} `, sel)))
      }),
      { numRuns: 3000 },
    )
  })

  it('the scanner and the parser agree on the edge cases of parameters', () => {
    const edges = [';keyid="a\\\\b"', ';keyid="a\\"b"', ';created=0123', ';created=00', ';created=0', ';created=1;created=2', ';created=1234567890123456', ';created=123456789012345', ';keyid=""', ';nonce="~ !;="']
    for (const p of edges) {
      const input = `sig1=("@method");keyid="k"${p}`
      expect(outcome(() => select(input, 'sig1=:AAAA:'))).toEqual(outcome(() => select(`${input} `, 'sig1=:AAAA: ')))
    }
    expect(select('sig1=("@method");keyid="a\\\\b"', 'sig1=:AAAA:').params.get('keyid')).toBe('a\\b')
  })

  it('the generator reaches both outcomes, so the property compares something', () => {
    const samples = fc.sample(fields, { numRuns: 2000, seed: 1 })
    const results = samples.map(([input, sig]) => outcome(() => select(input, sig)))
    expect(results.filter((r) => r.ok).length).toBeGreaterThan(500)
    expect(results.filter((r) => !r.ok).length).toBeGreaterThan(500)
  })

  it('one component list, cached, serves signatures with other labels and parameters', () => {
    const a = select('sig1=("@method" "@path");created=1;keyid="a";nonce="n1"', 'sig1=:AAAA:')
    const b = select('other=("@method" "@path");created=2;keyid="b";nonce="n2"', 'other=:AQID:')
    expect([a.label, a.signatureParams, [...a.mac]]).toEqual(['sig1', '("@method" "@path");created=1;keyid="a";nonce="n1"', [0, 0, 0]])
    expect([b.label, b.signatureParams, [...b.mac], b.params.get('keyid')]).toEqual(['other', '("@method" "@path");created=2;keyid="b";nonce="n2"', [1, 2, 3], 'b'])
    expect(a.list).toBe(b.list)
  })

  it('a ")" inside a component parameter is read by the full parser', () => {
    const s = select('sig1=("@query-param";name="a)b" "@method");created=1;keyid="k"', 'sig1=:AAAA:')
    expect(s.list.ids).toEqual(['"@query-param";name="a)b"', '"@method"'])
    expect(s.signatureParams).toBe('("@query-param";name="a)b" "@method");created=1;keyid="k"')
  })

  it('a non-canonical component list is re-serialized for @signature-params (RFC 9421 §2.3)', () => {
    expect(select('sig1=("@method"  "@path");created=1;keyid="k"', 'sig1=:AAAA:').signatureParams).toBe('("@method" "@path");created=1;keyid="k"')
  })

  it('a component listed twice is reported, not cached as valid', () => {
    expect(select('sig1=("@method" "@method");keyid="k"', 'sig1=:AAAA:').list.duplicate).toBe('"@method"')
  })
})
