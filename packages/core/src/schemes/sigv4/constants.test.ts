import { describe, expect, it } from 'vitest'
import { toHex } from '../../canonicalize/encoding.ts'
import { nobleBackend } from '../../crypto/noble.ts'
import { EMPTY_SHA256 } from './constants.ts'

describe('SigV4 constants', () => {
  it('EMPTY_SHA256 is the SHA-256 of no bytes', async () => {
    expect(EMPTY_SHA256).toBe(toHex(await nobleBackend.digest('sha256', new Uint8Array(0))))
  })
})
