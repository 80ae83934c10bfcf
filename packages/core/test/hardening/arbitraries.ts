/**
 * fast-check arbitraries for requests and responses: token methods, hosts with ports and IDNs,
 * unicode and percent-encoded paths, repeated and empty query parameters, header sets with
 * Latin-1 values, and text, binary, empty, absent and large-ish bodies (JSON texts for djangoHmac).
 */
import fc from 'fast-check'
import type { Body, Draft, Preset, ResponseDraft } from './support.ts'

const TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

export const methodArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'get', 'post', 'Patch') },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...TCHARS), minLength: 1, maxLength: 10 }) },
)

const hostArb = fc.constantFrom('api.example.com', 'EXAMPLE.org', 'localhost:8443', '127.0.0.1:8080', 'bücher.example', '[::1]:9000', 'a-b.c.example:443')

/** Characters of a path segment or query part that the URL parser keeps as they are or percent-encodes. */
const textUnit = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'abcXYZ019-._~!$&\'()*+,;=:@ ') },
  { weight: 2, arbitrary: fc.constantFrom('é', 'ü', 'ß', 'Ω', '中', '😀', '\u00a0', '"', '<', '>', '`', '{', '}', '|', '^', '[', ']') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
)
const rawText = fc.string({ unit: textUnit, maxLength: 8 })

const segmentArb = fc.oneof(
  { weight: 4, arbitrary: rawText.map((s) => s.replace(/[/?#\\%]/g, '')) },
  { weight: 3, arbitrary: rawText.map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.constantFrom('', '.', '..', '%2F', '%41', 'a%20b', '~user', '%E2%9C%93', 'x%2', '%zz') },
)
const pathArb = fc.array(segmentArb, { maxLength: 5 }).map((segments) => '/' + segments.join('/'))

const queryPartArb = fc.oneof(
  { weight: 3, arbitrary: rawText.map((s) => s.replace(/[&=#%+]/g, '')) },
  { weight: 3, arbitrary: rawText.map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.constantFrom('', 'a+b', '%20', '%2B', 'x%26y', 'dup') },
)
const queryArb = fc.option(
  fc.array(
    fc.tuple(fc.oneof(queryPartArb, fc.constantFrom('id', 'dup', 'Dup')), queryPartArb, fc.constantFrom('pair', 'pair', 'pair', 'bare', 'emptyValue')),
    { maxLength: 6 },
  ),
  { nil: undefined, freq: 3 },
).map((pairs) => {
  if (pairs === undefined) return ''
  // Repeated names come from the small name pool; empty values and bare names from the shapes.
  const text = pairs.map(([n, v, shape]) => (shape === 'bare' ? n : shape === 'emptyValue' ? `${n}=` : `${n}=${v}`)).join('&')
  return text === '' ? '' : `?${text}`
})

export const urlArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('http', 'https'), hostArb, pathArb, queryArb, fc.option(fc.constantFrom('#frag', '#', '#a?b'), { nil: '' }))
  .map(([scheme, host, path, query, fragment]) => `${scheme}://${host}${path}${query}${fragment}`)
  .filter((u) => {
    try {
      new URL(u)
      return true
    } catch {
      return false
    }
  })

/** Header values: printable ASCII and Latin-1 (what HTTP fields can carry), sometimes padded. */
const headerValueArb = fc.string({
  unit: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) }, { weight: 1, arbitrary: fc.integer({ min: 0xa0, max: 0xff }) }).map((c) => String.fromCharCode(c)),
  maxLength: 30,
})

/** A few `x-h-*` headers; the names never collide with what a scheme adds. */
export const headersArb: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), minLength: 1, maxLength: 6 }).map((s) => `x-h-${s}`),
  headerValueArb,
  { maxKeys: 4 },
)

const contentTypeArb = fc.option(fc.constantFrom('application/json', 'text/plain; charset=utf-8', 'application/octet-stream', 'application/x-www-form-urlencoded'), { nil: undefined })

export const textBodyArb: fc.Arbitrary<string> = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.constantFrom('', 'a=1&b=two%20words&a=3', '{"a":1}'))

const smallBodyArb: fc.Arbitrary<Body> = fc.oneof(
  { weight: 3, arbitrary: textBodyArb },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 512 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant(new Uint8Array(0)) },
)

/** Text, binary, empty, absent and (rarely) 64–160 KiB bodies. */
export const bodyArb: fc.Arbitrary<Body> = fc.oneof(
  { weight: 7, arbitrary: smallBodyArb },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: 64 * 1024, max: 160 * 1024 }), fc.integer({ min: 0, max: 255 })).map(([n, seed]) => {
      const out = new Uint8Array(n)
      for (let i = 0; i < n; i++) out[i] = (seed + i * 31 + (i >> 7)) & 0xff
      return out
    }),
  },
)

/** JSON texts (compact or pretty), empty or absent: what djangoHmac can sign. */
export const jsonBodyArb: fc.Arbitrary<Body> = fc.oneof(
  { weight: 4, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.json({ maxDepth: 3 }).map((t) => JSON.stringify(JSON.parse(t), null, 2)) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, '', '{}', '[]', '{"b":1.0,"a":"é😀","n":1e-7}') },
)

/** Requests a preset can sign; `large: false` leaves out the 64–160 KiB bodies. */
export function draftArb(preset: Preset, { large = true }: { large?: boolean } = {}): fc.Arbitrary<Draft> {
  const json = preset.bodies === 'json'
  return fc
    .record({
      method: methodArb,
      url: urlArb,
      headers: headersArb,
      contentType: json ? fc.constant('application/json') : contentTypeArb,
      body: json ? jsonBodyArb : large ? bodyArb : smallBodyArb,
    })
    .map(({ method, url, headers, contentType, body }) => ({
      method,
      url,
      headers: contentType === undefined ? headers : { ...headers, 'content-type': contentType },
      body,
    }))
}

export function responseArb({ large = true }: { large?: boolean } = {}): fc.Arbitrary<ResponseDraft> {
  return fc.record({
    status: fc.integer({ min: 100, max: 599 }),
    headers: fc.tuple(headersArb, contentTypeArb).map(([h, ct]) => (ct === undefined ? h : { ...h, 'content-type': ct })),
    body: large ? bodyArb : smallBodyArb,
  })
}
