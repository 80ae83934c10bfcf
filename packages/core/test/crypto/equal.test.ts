import { describe, expect, it } from 'vitest'
import { timingSafeEqual } from '../../src/crypto/equal.ts'
import { randomBytes } from './support.ts'

describe('timingSafeEqual', () => {
  it('is true for equal bytes and false for any single differing byte', () => {
    const a = randomBytes(64)
    expect(timingSafeEqual(a, a.slice())).toBe(true)
    for (const i of [0, 1, 31, 62, 63]) {
      const b = a.slice()
      b[i]! ^= 0x01
      expect(timingSafeEqual(a, b)).toBe(false)
      expect(timingSafeEqual(b, a)).toBe(false)
    }
  })

  it('catches a difference in the high bit (no sign or truncation slip)', () => {
    expect(timingSafeEqual(new Uint8Array([0x80, 0]), new Uint8Array([0x00, 0]))).toBe(false)
    expect(timingSafeEqual(new Uint8Array([0xff]), new Uint8Array([0x7f]))).toBe(false)
  })

  it('is false for different lengths, including a prefix', () => {
    const a = randomBytes(32)
    expect(timingSafeEqual(a, a.subarray(0, 31))).toBe(false)
    expect(timingSafeEqual(a.subarray(0, 31), a)).toBe(false)
    const longer = new Uint8Array(33)
    longer.set(a)
    expect(timingSafeEqual(a, longer)).toBe(false)
    expect(timingSafeEqual(a, new Uint8Array(0))).toBe(false)
  })

  it('is true for two empty arrays', () => {
    expect(timingSafeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true)
    const shared = randomBytes(10)
    expect(timingSafeEqual(shared.subarray(3, 3), shared.subarray(7, 7))).toBe(true)
  })

  it('compares the views, not their shared buffer, when byteOffset is not zero', () => {
    // One buffer, two windows with identical contents; every byte outside the windows differs.
    const buf = new Uint8Array(40)
    for (let i = 0; i < buf.length; i++) buf[i] = i
    const content = [0xde, 0xad, 0xbe, 0xef, 0x00, 0x11]
    buf.set(content, 5)
    buf.set(content, 25)
    const a = buf.subarray(5, 11)
    const b = buf.subarray(25, 31)
    expect(a.byteOffset).toBe(5)
    expect(b.byteOffset).toBe(25)
    expect(timingSafeEqual(a, b)).toBe(true)
    expect(timingSafeEqual(a, new Uint8Array(content))).toBe(true)

    // The same windows over buffers that differ only outside the windows.
    const x = new Uint8Array(16).fill(0xaa)
    const y = new Uint8Array(16).fill(0x55)
    x.set(content, 4)
    y.set(content, 4)
    expect(timingSafeEqual(x.subarray(4, 10), y.subarray(4, 10))).toBe(true)
    expect(timingSafeEqual(x, y)).toBe(false)

    // And a difference inside one window is seen.
    buf[27]! ^= 0x40
    expect(timingSafeEqual(a, b)).toBe(false)
  })

  it('works on views of other typed-array buffers (DataView-like offsets)', () => {
    const words = new Uint32Array([0x01020304, 0x05060708, 0x01020304])
    const bytes = new Uint8Array(words.buffer)
    expect(timingSafeEqual(bytes.subarray(0, 4), bytes.subarray(8, 12))).toBe(true)
    expect(timingSafeEqual(bytes.subarray(0, 4), bytes.subarray(4, 8))).toBe(false)
  })
})
