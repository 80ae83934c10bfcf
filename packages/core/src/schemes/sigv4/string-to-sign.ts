import { toHex } from '../../canonicalize/encoding.ts'
import { digestText } from '../../crypto/text.ts'
import type { CryptoBackend } from '../../crypto/backend.ts'
import { ALGORITHM, SCOPE_TERMINATOR } from './constants.ts'

/** `<YYYYMMDD>/<region>/<service>/aws4_request`. */
export function createScope(shortDate: string, region: string, service: string): string {
  return `${shortDate}/${region}/${service}/${SCOPE_TERMINATOR}`
}

/** `AWS4-HMAC-SHA256\n<amz-date>\n<scope>\n<hex SHA-256 of the canonical request>`. */
export async function createStringToSign(crypto: CryptoBackend, amzDate: string, scope: string, canonicalRequest: string): Promise<string> {
  const hash = await digestText(crypto, 'sha256', canonicalRequest)
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${toHex(hash)}`
}
