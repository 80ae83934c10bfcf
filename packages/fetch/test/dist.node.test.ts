import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as Api from '../src/index.ts'
import { testServer, type TestServer } from './support/env.ts'
import { testKey } from './support/keys.ts'
import { caught, type Echo } from './support/util.ts'

/**
 * The BUILT package (run `pnpm build` first), ESM and CJS: response verification and redirect
 * following are loaded through import() (ESM: chunks of their own; CJS: bundled in), so these
 * prove that those lazy paths resolve in the published files, not only in the sources.
 */
const builds: Record<string, () => Promise<typeof Api>> = {
  esm: () => import(new URL('../dist/index.js', import.meta.url).href) as Promise<typeof Api>,
  cjs: async () => createRequire(import.meta.url)('../dist/index.cjs') as typeof Api,
}

let server: TestServer

describe('the built package (dist)', () => {
  beforeAll(async () => {
    server = await testServer()
  })
  afterAll(async () => {
    await server.close()
  })

  for (const [format, load] of Object.entries(builds)) {
    it(`${format}: verifies a response, rejects a tampered one, and follows a redirect`, async () => {
      const { createSignedFetch } = await load()
      const f = createSignedFetch({ key: testKey, verifyResponse: true })
      const res = await f(`${server.url}/echo`, { method: 'POST', body: 'hello' })
      expect(((await res.json()) as Echo).bodyText).toBe('hello')
      const err = await caught(f(`${server.url}/tamper-response`, { method: 'POST', body: 'x' }))
      expect(err.code).toBe('digest_mismatch')
      const streamed = await createSignedFetch({ key: testKey, verifyResponse: { mode: 'stream' } })(`${server.url}/echo`)
      expect(((await streamed.json()) as Echo).ok).toBe(true)
      const redirected = await f(`${server.url}/redirect?to=echo`)
      expect(redirected.redirected).toBe(true)
      expect(((await redirected.json()) as Echo).ok).toBe(true)
    })
  }
})
