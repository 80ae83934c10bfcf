/**
 * Property: sign → verify holds for arbitrary requests (and responses, for the schemes that sign
 * them), for every preset and every crypto backend of the runtime. The verifier sees the request
 * as the server would: the signature headers added, the fragment dropped, headers in a `Headers`.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { signRequest, signResponse } from '../../src/sign.ts'
import { verifyRequest, verifyResponse } from '../../src/verify.ts'
import { BACKEND_NAMES, backendNamed } from '../support/backends.ts'
import { draftArb, responseArb } from './arbitraries.ts'
import { assertNoSecret, draftMessage, now, onWire, PRESETS, responseMessage, runs, SLOW, wireMessage } from './support.ts'

const RUNS = runs(40)

for (const preset of PRESETS) {
  describe(`round trip: ${preset.name}`, () => {
    for (const backendName of BACKEND_NAMES) {
      it(`arbitrary requests sign and verify (${backendName})`, async () => {
        const crypto = await backendNamed(backendName)
        await fc.assert(
          fc.asyncProperty(draftArb(preset), async (draft) => {
            const signed = await signRequest(draftMessage(draft), { key: preset.key, scheme: preset.scheme, now, crypto })
            assertNoSecret('SignResult', [JSON.stringify(signed.headers), signed.base])
            const wire = onWire(draft, signed.headers)
            const verified = await verifyRequest(wireMessage(wire), { keys: preset.keys, scheme: preset.scheme, now, crypto })
            expect(verified.keyId).toBe(preset.key.id)
            expect(verified.base).toBe(signed.base)
            assertNoSecret('Verified', [JSON.stringify(verified)])
          }),
          { numRuns: RUNS },
        )
      }, SLOW)

      if (preset.responses) {
        it(`arbitrary responses sign and verify, bound to their request (${backendName})`, async () => {
          const crypto = await backendNamed(backendName)
          await fc.assert(
            fc.asyncProperty(draftArb(preset), responseArb(), async (draft, res) => {
              const signedReq = await signRequest(draftMessage(draft), { key: preset.key, scheme: preset.scheme, now, crypto })
              const request = wireMessage(onWire(draft, signedReq.headers))
              const signed = await signResponse(responseMessage(res), { key: preset.key, scheme: preset.scheme, now, crypto, request })
              const headers = new Headers(res.headers)
              for (const [k, v] of Object.entries(signed.headers)) headers.set(k, v)
              const verified = await verifyResponse(responseMessage({ ...res, headers }), { keys: preset.keys, scheme: preset.scheme, now, crypto, request })
              expect(verified.base).toBe(signed.base)
              assertNoSecret('response SignResult', [JSON.stringify(signed.headers), signed.base, JSON.stringify(verified)])
            }),
            { numRuns: Math.ceil(RUNS / 2) },
          )
        }, SLOW)
      }
    }
  })
}
