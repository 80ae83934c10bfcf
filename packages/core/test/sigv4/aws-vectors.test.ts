/**
 * The public AWS SigV4 test suite (`../shared/schemes/vectors/aws-sigv4/v4/`, 38 cases), in both
 * forms, with every crypto backend of the runtime: each case must reproduce the canonical request,
 * the string to sign and the signature byte for byte, add exactly the headers / query parameters
 * of the signed request, and verify that signed request.
 */
import { describe, expect, it } from 'vitest'
import { bodyReader } from '../../src/body.ts'
import { splitQuery } from '../../src/canonicalize/query.ts'
import { percentDecodeBytes } from '../../src/canonicalize/uri.ts'
import type { CryptoBackend } from '../../src/crypto/backend.ts'
import { lookupKey, resolveKey, type SigningKey } from '../../src/keys.ts'
import type { NormalizedRequest } from '../../src/message.ts'
import { sigv4, splitSigV4Base, type SigV4Options } from '../../src/schemes/sigv4/index.ts'
import type { SignContext, VerifyContext } from '../../src/schemes/types.ts'
import { BACKEND_NAMES, backendNamed } from '../support/backends.ts'
import { vectorDir, vectorText } from '../support/vectors.ts'
import { parseRawRequest, toNormalizedRequest } from './parse-request.ts'

const DIR = 'aws-sigv4/v4'
type Form = 'header' | 'query'
const FORMS: readonly Form[] = ['header', 'query']

interface Context {
  credentials: { access_key_id: string; secret_access_key: string; token?: string }
  expiration_in_seconds: number
  normalize: boolean
  region: string
  service: string
  sign_body: boolean
  timestamp: string
  omit_session_token?: boolean
}

interface Case {
  context: Context
  request: string
  expected: Record<Form, { canonicalRequest: string; stringToSign: string; signature: string; signedRequest: string }>
}

const cases = new Map<string, Promise<Case>>()

function loadCase(name: string): Promise<Case> {
  let c = cases.get(name)
  if (!c) {
    const read = (file: string): Promise<string> => vectorText(`${DIR}/${name}/${file}`)
    const form = async (f: Form) => ({
      canonicalRequest: await read(`${f}-canonical-request.txt`),
      stringToSign: await read(`${f}-string-to-sign.txt`),
      signature: await read(`${f}-signature.txt`),
      signedRequest: await read(`${f}-signed-request.txt`),
    })
    c = (async () => ({
      context: JSON.parse(await read('context.json')) as Context,
      request: await read('request.txt'),
      expected: { header: await form('header'), query: await form('query') },
    }))()
    cases.set(name, c)
  }
  return c
}

/** The suite's settings as Signet options (the suite always double-encodes paths, as non-S3 services do). */
function optionsOf(context: Context, form: Form): SigV4Options {
  return {
    region: context.region,
    service: context.service,
    normalizePath: context.normalize,
    uriEscapePath: true,
    applyChecksum: context.sign_body,
    ...(context.credentials.token !== undefined ? { sessionToken: context.credentials.token } : {}),
    signSessionToken: !context.omit_session_token,
    signQuery: form === 'query' ? { expiresInSeconds: context.expiration_in_seconds } : false,
  }
}

function keyOf(context: Context): SigningKey {
  return { id: context.credentials.access_key_id, secret: context.credentials.secret_access_key }
}

function signContext(context: Context, message: NormalizedRequest, crypto: CryptoBackend): SignContext {
  return {
    key: resolveKey(keyOf(context)),
    crypto,
    nowMs: Date.parse(context.timestamp),
    nonce: () => 'unused',
    body: bodyReader(message.body, crypto),
  }
}

function verifyContext(context: Context, message: NormalizedRequest, crypto: CryptoBackend): VerifyContext {
  return {
    key: (id) => lookupKey([keyOf(context)], id),
    crypto,
    nowMs: Date.parse(context.timestamp),
    maxAgeSeconds: 300,
    clockSkewSeconds: 30,
    replayStore: undefined,
    required: undefined,
    body: bodyReader(message.body, crypto),
  }
}

/** Decoded query parameters of a request target. */
function queryOf(target: string): Map<string, string> {
  const q = target.indexOf('?')
  const decode = (s: string): string => new TextDecoder().decode(percentDecodeBytes(s, true))
  return new Map(splitQuery(q === -1 ? '' : target.slice(q)).map((p) => [decode(p.name), decode(p.value)]))
}

const names = await vectorDir(DIR)

describe('AWS SigV4 test suite', () => {
  it('has the 38 cases', () => {
    expect(names.filter((n) => !n.includes('.'))).toHaveLength(38)
  })
})

for (const backendName of BACKEND_NAMES) {
  describe(`AWS SigV4 test suite (${backendName})`, () => {
    for (const name of names.filter((n) => !n.includes('.'))) {
      it(name, async () => {
        const crypto = await backendNamed(backendName)
        const { context, request, expected } = await loadCase(name)
        for (const form of FORMS) {
          const scheme = sigv4(optionsOf(context, form))
          const message = toNormalizedRequest(parseRawRequest(request))
          const result = await scheme.signRequest(message, signContext(context, message, crypto))
          const want = expected[form]
          const { canonicalRequest, stringToSign } = splitSigV4Base(result.base)
          expect(canonicalRequest).toBe(want.canonicalRequest)
          expect(stringToSign).toBe(want.stringToSign)

          // What Signet adds is exactly what the signed request has over the original one.
          const signed = parseRawRequest(want.signedRequest)
          const original = parseRawRequest(request)
          if (form === 'header') {
            expect(result.headers['authorization']).toMatch(`Signature=${want.signature}`)
            expect(result.query).toBe(undefined)
            const added = signed.headers.slice(original.headers.length).map(([n, v]) => [n.toLowerCase(), v])
            expect(Object.entries(result.headers).sort()).toEqual(added.sort())
          } else {
            expect(result.query?.['X-Amz-Signature']).toBe(want.signature)
            expect(result.headers).toEqual({})
            const before = queryOf(original.target)
            const added = [...queryOf(signed.target)].filter(([n]) => !before.has(n))
            expect(Object.entries(result.query ?? {}).sort()).toEqual(added.sort())
          }

          // The signed request verifies, with the verifier built from the same options.
          const signedMessage = toNormalizedRequest(signed)
          const verified = await scheme.verifyRequest(signedMessage, verifyContext(context, signedMessage, crypto))
          expect(verified.keyId).toBe(context.credentials.access_key_id)
          expect(verified.base).toBe(result.base)
          expect(verified.created).toBe(Date.parse(context.timestamp) / 1000)
        }
      })
    }
  })
}
