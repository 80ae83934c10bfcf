import { fail } from '../errors.ts'

// Byte/text encodings used by every scheme. Hand-written because the core's only dependency,
// @noble/hashes, is loaded lazily in browsers and its base64 helpers are not in v2's public API.

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const HEX_VALUE = new Int8Array(128).fill(-1)
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i
}
const B64_DECODE = new Int16Array(128).fill(-1)
for (let i = 0; i < 64; i++) B64_DECODE[B64.charCodeAt(i)] = i

export const utf8 = new TextEncoder()
const utf8Decoder = new TextDecoder()
/** UTF-8 decoding with U+FFFD for invalid sequences (WHATWG "decode"). */
export function decodeUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes)
}

/** The chunks joined into one array (the chunk itself when there is only one). */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!
  let size = 0
  for (const c of chunks) size += c.byteLength
  const out = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}

/** Lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!]
  return out
}

/** Strict hex decoding (even length, [0-9a-fA-F]); `undefined` when invalid. */
export function fromHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0) return undefined
  const out = new Uint8Array(text.length / 2)
  for (let i = 0; i < out.length; i++) {
    const hi = text.charCodeAt(2 * i)
    const lo = text.charCodeAt(2 * i + 1)
    const h = hi < 128 ? HEX_VALUE[hi]! : -1
    const l = lo < 128 ? HEX_VALUE[lo]! : -1
    if (h < 0 || l < 0) return undefined
    out[i] = (h << 4) | l
  }
  return out
}

/** Standard base64 with padding (RFC 4648 §4). */
export function toBase64(bytes: Uint8Array): string {
  let out = ''
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!
  }
  const rest = bytes.length - i
  if (rest === 1) {
    const n = bytes[i]! << 16
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + '=='
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8)
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + '='
  }
  return out
}

/** base64url without padding (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/**
 * Strict base64 decoding (standard or url alphabet, padding optional but, when present, correct);
 * `undefined` when the text is not base64. Non-zero trailing bits are rejected (RFC 4648 §3.5).
 */
export function fromBase64(text: string): Uint8Array | undefined {
  let s = text
  if (s.length % 4 === 0 && s.endsWith('==')) s = s.slice(0, -2)
  else if (s.length % 4 === 0 && s.endsWith('=')) s = s.slice(0, -1)
  if (s.length % 4 === 1) return undefined
  const out = new Uint8Array(Math.floor((s.length * 3) / 4))
  let bits = 0
  let acc = 0
  let o = 0
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i)
    if (c === 45) c = 43 // '-' → '+'
    else if (c === 95) c = 47 // '_' → '/'
    const v = c < 128 ? B64_DECODE[c]! : -1
    if (v < 0) return undefined
    acc = (acc << 6) | v
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[o++] = (acc >> bits) & 255
    }
  }
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) return undefined
  return out
}

/** Decodes base64 or throws `invalid_input`/`malformed_signature` naming `what`. */
export function requireBase64(text: string, what: string, code: 'malformed_signature' | 'invalid_key' | 'invalid_input' = 'malformed_signature'): Uint8Array {
  const bytes = fromBase64(text)
  if (!bytes) fail(code, `${what} is not valid base64`, { component: what })
  return bytes
}

export type Encoding = 'hex' | 'base64' | 'base64url'

export function encode(bytes: Uint8Array, encoding: Encoding): string {
  return encoding === 'hex' ? toHex(bytes) : encoding === 'base64' ? toBase64(bytes) : toBase64Url(bytes)
}

export function decode(text: string, encoding: Encoding): Uint8Array | undefined {
  return encoding === 'hex' ? fromHex(text) : fromBase64(text)
}
