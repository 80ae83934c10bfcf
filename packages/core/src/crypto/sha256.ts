import type { IncrementalDigest } from './backend.ts'
import { readOnceDigest } from './hash.ts'

/**
 * SHA-256 (FIPS 180-4 §6.2), incremental, in plain JavaScript: what the WebCrypto backend hashes
 * Blob and stream bodies with when they are not held for one `subtle.digest` call (WebCrypto has
 * no incremental hash), and the noble backend's incremental SHA-256 (via noble-hash.ts). Written for V8's int32 arithmetic: the eight working
 * variables and the 64-word schedule stay in locals and one Int32Array, and each 64-byte block
 * is read straight from the caller's chunk. Measured in Chromium: ~2.3× the throughput of
 * @noble/hashes' sha256, which remains the incremental hash for SHA-384 and SHA-512.
 */

// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
])
// §5.3.3: the initial hash value.
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]

// The message schedule: shared, since compress() runs to completion without yielding.
const W = new Int32Array(64)

/** Processes the 64-byte blocks of `p` from `off` up to `end` (a multiple of 64 past `off`) into `state`. */
function compress(state: Int32Array, p: Uint8Array, off: number, end: number): void {
  let h0 = state[0]!
  let h1 = state[1]!
  let h2 = state[2]!
  let h3 = state[3]!
  let h4 = state[4]!
  let h5 = state[5]!
  let h6 = state[6]!
  let h7 = state[7]!
  for (; off < end; off += 64) {
    for (let i = 0, j = off; i < 16; i++, j += 4) W[i] = (p[j]! << 24) | (p[j + 1]! << 16) | (p[j + 2]! << 8) | p[j + 3]!
    for (let i = 16; i < 64; i++) {
      const x = W[i - 15]!
      const y = W[i - 2]!
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)
      W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0
    }
    let a = h0
    let b = h1
    let c = h2
    let d = h3
    let e = h4
    let f = h5
    let g = h6
    let h = h7
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0
      h = g
      g = f
      f = e
      e = (d + t1) | 0
      d = c
      c = b
      b = a
      a = (t1 + t2) | 0
    }
    h0 = (h0 + a) | 0
    h1 = (h1 + b) | 0
    h2 = (h2 + c) | 0
    h3 = (h3 + d) | 0
    h4 = (h4 + e) | 0
    h5 = (h5 + f) | 0
    h6 = (h6 + g) | 0
    h7 = (h7 + h) | 0
  }
  state[0] = h0
  state[1] = h1
  state[2] = h2
  state[3] = h3
  state[4] = h4
  state[5] = h5
  state[6] = h6
  state[7] = h7
}

/** An incremental SHA-256: constant memory (one 64-byte partial block), synchronous. */
export function createSha256(): IncrementalDigest {
  const state = Int32Array.from(IV)
  const block = new Uint8Array(64)
  let filled = 0 // bytes waiting in `block`
  let length = 0 // bytes hashed so far (exact up to 2^53)
  return readOnceDigest(
    (chunk) => {
      length += chunk.byteLength
      let at = 0
      if (filled > 0) {
        at = Math.min(64 - filled, chunk.byteLength)
        block.set(chunk.subarray(0, at), filled)
        filled += at
        if (filled < 64) return
        compress(state, block, 0, 64)
        filled = 0
      }
      const whole = at + ((chunk.byteLength - at) & ~63)
      if (whole > at) compress(state, chunk, at, whole)
      if (whole < chunk.byteLength) {
        block.set(chunk.subarray(whole), 0)
        filled = chunk.byteLength - whole
      }
    },
    () => {
      // §5.1.1: a 1 bit, zeros, then the message length in bits as a 64-bit big-endian integer.
      block[filled++] = 0x80
      if (filled > 56) {
        block.fill(0, filled)
        compress(state, block, 0, 64)
        filled = 0
      }
      block.fill(0, filled, 56)
      const bitsHigh = Math.floor(length / 0x20000000)
      const bitsLow = (length * 8) >>> 0
      block[56] = bitsHigh >>> 24
      block[57] = bitsHigh >>> 16
      block[58] = bitsHigh >>> 8
      block[59] = bitsHigh
      block[60] = bitsLow >>> 24
      block[61] = bitsLow >>> 16
      block[62] = bitsLow >>> 8
      block[63] = bitsLow
      compress(state, block, 0, 64)
      const out = new Uint8Array(32)
      for (let i = 0; i < 8; i++) {
        const v = state[i]!
        out[4 * i] = v >>> 24
        out[4 * i + 1] = v >>> 16
        out[4 * i + 2] = v >>> 8
        out[4 * i + 3] = v
      }
      return out
    },
  )
}
