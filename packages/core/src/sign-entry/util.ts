import { fail } from '../errors.ts'

/** Appended to what this entry cannot do: the full entry can. */
export const FULL = ' needs the full @signet/core signRequest'

/** `invalid_input` about `component`. */
export function invalid(message: string, component?: string): never {
  return fail('invalid_input', message, { component })
}

/** `invalid_key` about key `keyId`. */
export function invalidKey(message: string, keyId?: string): never {
  return fail('invalid_key', message, { keyId })
}

/** UTF-8 encoding: one encoder, not one per call. */
export const utf8 = (text: string): Uint8Array<ArrayBuffer> => encoder.encode(text)
const encoder = new TextEncoder()

/** Standard base64 with padding (RFC 4648 §4): what RFC 8941 byte sequences hold. */
export function base64(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    // Past the end, bytes[i + 1] is undefined, and undefined << 8 is 0: the padding below covers it.
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + (i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[n & 63] : '=')
  }
  return out
}
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
