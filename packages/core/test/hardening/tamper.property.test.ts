/**
 * Property: on arbitrary signed requests (and responses), each change to a covered part is
 * refused with the right SignetError code, and each change to a part the scheme does not cover
 * still verifies (tables in tamper-cases.ts). Every refusal is scanned for the secret. Bodies stay
 * small here (the round-trip properties cover large ones): the scan reads every error's `base`.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { CryptoBackend } from '../../src/crypto/backend.ts'
import { isSignetError } from '../../src/errors.ts'
import { signRequest, signResponse } from '../../src/sign.ts'
import { verifyRequest, verifyResponse } from '../../src/verify.ts'
import { BACKEND_NAMES, backendNamed } from '../support/backends.ts'
import { draftArb, responseArb } from './arbitraries.ts'
import { assertNoSecret, draftMessage, errorTexts, now, onWire, PRESETS, responseMessage, runs, SLOW, wireMessage, type Preset, type Wire } from './support.ts'
import { Pick, requestMutations, responseMutations, type WireResponse } from './tamper-cases.ts'

const RUNS = runs(25)

/** The outcome of a verification; a refusal's outputs are scanned for the secret. */
async function outcomeOf(p: Promise<unknown>, where: string): Promise<string> {
  try {
    await p
    return 'accepted'
  } catch (err) {
    if (!isSignetError(err)) throw err
    assertNoSecret(where, errorTexts(err))
    return err.code
  }
}

async function checkRequest(preset: Preset, crypto: CryptoBackend, wire: Wire, seed: number, applied: Set<string>): Promise<string[]> {
  const wrong: string[] = []
  const verify = (w: Wire) => verifyRequest(wireMessage(w), { keys: preset.keys, scheme: preset.scheme, now, crypto })
  const baseline = await outcomeOf(verify(wire), `${preset.name}: untouched`)
  if (baseline !== 'accepted') return [`untouched request: ${baseline}`]
  const pick = new Pick(seed)
  for (const m of requestMutations(preset)) {
    const mutated = m.apply(wire, pick)
    if (mutated === undefined) continue
    applied.add(m.name)
    const expected = typeof m.expect === 'function' ? m.expect(wire) : m.expect
    const got = await outcomeOf(verify(mutated), `${preset.name}: ${m.name}`)
    if (got !== expected) wrong.push(`${m.name}: expected ${expected}, got ${got}`)
  }
  return wrong
}

async function checkResponse(preset: Preset, crypto: CryptoBackend, response: WireResponse, request: Wire, seed: number, applied: Set<string>): Promise<string[]> {
  const wrong: string[] = []
  const verify = (r: WireResponse, req: Wire = request) =>
    verifyResponse(responseMessage(r), { keys: preset.keys, scheme: preset.scheme, now, crypto, request: wireMessage(req) })
  const baseline = await outcomeOf(verify(response), `${preset.name}: untouched response`)
  if (baseline !== 'accepted') return [`untouched response: ${baseline}`]
  const pick = new Pick(seed)
  for (const m of responseMutations(preset)) {
    const mutated = m.apply(response, pick)
    if (mutated === undefined) continue
    applied.add(m.name)
    const expected = typeof m.expect === 'function' ? m.expect(response) : m.expect
    const got = await outcomeOf(verify(mutated), `${preset.name}: response ${m.name}`)
    if (got !== expected) wrong.push(`response ${m.name}: expected ${expected}, got ${got}`)
  }
  if (preset.name.startsWith('rfc9421')) {
    // Bound to its request (;req): presented with another request, it does not verify.
    const other = { ...request, headers: new Headers(request.headers), url: `${new URL(request.url).origin}/another/path` }
    const got = await outcomeOf(verify(response, other), `${preset.name}: response for another request`)
    if (got !== 'signature_mismatch') wrong.push(`response checked against another request: expected signature_mismatch, got ${got}`)
  }
  return wrong
}

for (const preset of PRESETS) {
  describe(`tampering: ${preset.name}`, () => {
    for (const backendName of BACKEND_NAMES) {
      it(`covered changes are refused with the right code, uncovered ones verify (${backendName})`, async () => {
        const crypto = await backendNamed(backendName)
        const applied = new Set<string>()
        await fc.assert(
          fc.asyncProperty(draftArb(preset, { large: false }), fc.integer({ min: 1, max: 0x7fffffff }), async (draft, seed) => {
            const signed = await signRequest(draftMessage(draft), { key: preset.key, scheme: preset.scheme, now, crypto })
            expect(await checkRequest(preset, crypto, onWire(draft, signed.headers), seed, applied)).toEqual([])
          }),
          { numRuns: RUNS },
        )
        // Every mutation of the table was exercised at least once.
        expect(requestMutations(preset).map((m) => m.name).filter((n) => !applied.has(n))).toEqual([])
      }, SLOW)

      if (preset.responses) {
        it(`response changes are refused or verify as covered (${backendName})`, async () => {
          const crypto = await backendNamed(backendName)
          const applied = new Set<string>()
          await fc.assert(
            fc.asyncProperty(draftArb(preset, { large: false }), responseArb({ large: false }), fc.integer({ min: 1, max: 0x7fffffff }), async (draft, res, seed) => {
              const signedReq = await signRequest(draftMessage(draft), { key: preset.key, scheme: preset.scheme, now, crypto })
              const request = onWire(draft, signedReq.headers)
              const signed = await signResponse(responseMessage(res), { key: preset.key, scheme: preset.scheme, now, crypto, request: wireMessage(request) })
              const headers = new Headers(res.headers)
              for (const [k, v] of Object.entries(signed.headers)) headers.set(k, v)
              expect(await checkResponse(preset, crypto, { status: res.status, headers, body: res.body }, request, seed, applied)).toEqual([])
            }),
            { numRuns: RUNS },
          )
          expect(responseMutations(preset).map((m) => m.name).filter((n) => !applied.has(n))).toEqual([])
        }, SLOW)
      }
    }
  })
}
