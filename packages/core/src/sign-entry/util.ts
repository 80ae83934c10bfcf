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
export const base64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes))
