import { createRequire } from 'node:module'
import { Readable } from 'node:stream'
import axios from 'axios'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as Api from '../src/index.ts'
import { AXIOS_TEST_KEY, type Echo } from './support/app.ts'
import { rejection, startAxiosServer } from './support/harness.ts'

/**
 * The BUILT package (run `pnpm build` first), ESM and CJS: response verification and stream-body
 * buffering are loaded through import() (ESM: chunks of their own; CJS: bundled in), so these
 * prove that those lazy paths resolve in the published files, not only in the sources.
 */
const builds: Record<string, () => Promise<typeof Api>> = {
  esm: () => import(new URL('../dist/index.js', import.meta.url).href) as Promise<typeof Api>,
  cjs: async () => createRequire(import.meta.url)('../dist/index.cjs') as typeof Api,
}

describe('the built package (dist)', () => {
  let base = ''
  let close: (() => Promise<void>) | undefined
  beforeAll(async () => {
    ;({ base, close } = await startAxiosServer())
  })
  afterAll(async () => {
    await close?.()
  })

  for (const [format, load] of Object.entries(builds)) {
    it(`${format}: signs a stream body, verifies a response and rejects a tampered one`, async () => {
      const { signAxios } = await load()
      const api = axios.create({ baseURL: base, adapter: 'http' })
      signAxios(api, { key: AXIOS_TEST_KEY, verifyResponse: true })
      const res = await api.post<Echo>('echo', Readable.from([Buffer.from('hello '), Buffer.from('stream')]))
      expect(res.data.ok).toBe(true)
      expect(res.data.bodyLength).toBe(12)
      const err = await rejection(api.get('tamper'))
      expect(err.code).toBe('digest_mismatch')
    })
  }
})
